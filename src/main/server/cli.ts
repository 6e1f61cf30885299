// Entry point of the `calldeck` command (built to out/main/cli.js).
import { main } from './program';

void main(process.argv);
