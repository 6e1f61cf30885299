#!/bin/sh
# Makes the human caller's recordings of the appointment suite with espeak-ng (Debian: apt-get install
# espeak-ng), a voice unlike the synthetic caller's flite "kal": a female en-US variant, slower, higher.
# Run from this folder; the WAVs are committed, so nothing here runs at test time.
set -eu
VOICE="${VOICE:-en-us+f3}"
say() { # folder step text
  mkdir -p "$1"
  espeak-ng -v "$VOICE" -s 135 -p 60 -w "$1/step-$2.wav" "$3"
}
say confirm 01 "yes"
say confirm 02 "confirm"
say cancel 01 "yes"
say cancel 02 "cancel"
say cancel 03 "yes"
say reschedule 01 "yes"
say reschedule 02 "change"
say reschedule 03 "make it friday"
say reschedule 04 "yes"
say agent 01 "yes"
say agent 02 "speak to someone"
say barge-in 01 "yes"
say barge-in 02 "confirm"
say wrong-number 01 "no"
say voicemail 01 "The person you are calling is not available"
