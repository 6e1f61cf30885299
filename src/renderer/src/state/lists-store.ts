import { create } from 'zustand';
import type {
  ImportOutcome,
  ImportPreview,
  ImportProgress,
  ImportSummary,
  ListSummary,
  MappingOverride,
} from '../../../shared/contacts';
import type { FileLike, StagedFile } from '../../../shared/files';
import type { JobInfo } from '../../../shared/jobs';
import { api, errorMessage } from '../api';

/** Which column is what, as the mapping step shows it (0-based columns; -1 = none). */
export interface ColumnChoices {
  phone: number;
  name: number;
  ignored: number[];
  /** Variable names typed for columns (by column), where they differ from the header's own. */
  variables?: Record<number, string>;
}

export interface ImportChoices {
  listName: string;
  sheet?: string;
  columns: ColumnChoices;
}

interface MappingFlow {
  step: 'mapping';
  file: StagedFile;
  preview: ImportPreview;
  sheet?: string;
  /** The list name typed so far: kept across sheet changes and failed attempts. */
  listName: string;
  /** The columns chosen in a failed attempt on this sheet, restored so the user can retry. */
  columns?: ColumnChoices;
  error?: string;
  /** The list name the error said was taken: the error goes once no list has that name. */
  takenName?: string;
  busy?: boolean;
}

/** The import wizard, one step at a time. */
export type ImportFlow =
  | { step: 'idle'; error?: string }
  | { step: 'staging'; fileName: string }
  | MappingFlow
  | {
      step: 'importing';
      file: StagedFile;
      importId: string;
      listName: string;
      progress?: ImportProgress;
      startedAt: number;
      /** Where a failed or lost import returns to, choices intact. */
      back: MappingFlow;
    }
  | { step: 'done'; listName: string; outcome: ImportOutcome };

type ImportingFlow = Extract<ImportFlow, { step: 'importing' }>;

interface ListsState {
  lists: ListSummary[];
  loadError?: string;
  /** A failed list action (delete), until dismissed or the next one succeeds. */
  actionError?: string;
  selectedListId?: number;
  flow: ImportFlow;
  loadLists: () => Promise<void>;
  select: (listId: number | undefined) => void;
  stage: (file: FileLike) => Promise<void>;
  changeSheet: (sheet: string, listName: string) => Promise<void>;
  startImport: (choices: ImportChoices) => Promise<void>;
  cancelImport: () => Promise<void>;
  deleteList: (listId: number) => Promise<boolean>;
  /** Clears the error of the current import step (dismissed, or its cause changed). */
  dismissImportError: () => void;
  dismissActionError: () => void;
  dismissLoadError: () => void;
  reset: () => void;
}

const listNameFrom = (fileName: string) => fileName.replace(/\.[^.]+$/, '').slice(0, 200) || 'Imported list';

const toMapping = (c: ColumnChoices): MappingOverride => {
  const kept = (i: number) => i !== c.phone && i !== c.name && !c.ignored.includes(i);
  const variables = Object.entries(c.variables ?? {}).filter(([i, key]) => kept(Number(i)) && key !== '');
  return {
    phone: `#${c.phone + 1}`,
    name: c.name >= 0 ? `#${c.name + 1}` : null,
    ignore: c.ignored.filter((i) => i !== c.phone && i !== c.name).map((i) => `#${i + 1}`),
    ...(variables.length
      ? { variables: Object.fromEntries(variables.map(([i, key]) => [`#${Number(i) + 1}`, key])) }
      : {}),
  };
};

/**
 * Outcomes that arrived while their start request was still in flight: an import that fails at once
 * (a taken list name) finishes before its start reply reaches the page. Bounded: only ids we started.
 */
const earlyOutcomes = new Map<string, { listName: string; outcome: ImportOutcome }>();
let startsInFlight = 0;

/** The wizard's next step once an import has finished, however it ended. */
function finished(flow: ImportingFlow, listName: string, outcome: ImportOutcome): Partial<ListsState> {
  if (outcome.ok)
    return { flow: { step: 'done', listName, outcome }, selectedListId: outcome.summary.listId };
  if (outcome.code === 'cancelled')
    return { flow: { step: 'idle', error: `Import of “${listName}” cancelled: nothing was saved.` } };
  // Back to the mapping, choices intact: the user can change the name, retry or choose another file.
  return {
    flow: {
      ...flow.back,
      busy: false,
      error: `Could not import “${listName}”: ${outcome.message}`,
      takenName: outcome.code === 'list_exists' ? listName : undefined,
    },
  };
}

export const useListsStore = create<ListsState>((set, get) => ({
  lists: [],
  flow: { step: 'idle' },
  async loadLists() {
    try {
      const lists = await api().contacts.lists();
      set({ lists, loadError: undefined });
      // The name an import was refused for is free again (that list was deleted): the error is moot.
      const flow = get().flow;
      const taken = flow.step === 'mapping' ? flow.takenName?.toLowerCase() : undefined;
      if (
        flow.step === 'mapping' &&
        taken !== undefined &&
        !lists.some((l) => l.name.toLowerCase() === taken)
      )
        set({ flow: { ...flow, error: undefined, takenName: undefined } });
    } catch (err) {
      set({ loadError: errorMessage(err) });
    }
  },
  select(listId) {
    set({ selectedListId: listId });
  },
  async stage(fileLike) {
    set({ flow: { step: 'staging', fileName: fileLike.name } });
    try {
      const file = await api().files.stage(fileLike);
      const preview = await api().contacts.preview({ fileId: file.id });
      set({
        flow: {
          step: 'mapping',
          file,
          preview,
          sheet: preview.source.sheet,
          listName: listNameFrom(file.name),
        },
      });
    } catch (err) {
      set({ flow: { step: 'idle', error: `${fileLike.name}: ${errorMessage(err)}` } });
    }
  },
  async changeSheet(sheet, listName) {
    const flow = get().flow;
    if (flow.step !== 'mapping') return;
    set({ flow: { ...flow, listName, busy: true } });
    try {
      const preview = await api().contacts.preview({ fileId: flow.file.id, sheet });
      // A new sheet has its own columns: the old sheet's choices must not carry over.
      set({ flow: { step: 'mapping', file: flow.file, preview, sheet, listName } });
    } catch (err) {
      set({ flow: { ...flow, listName, busy: false, error: errorMessage(err) } });
    }
  },
  async startImport(choices) {
    const flow = get().flow;
    if (flow.step !== 'mapping') return;
    const back: MappingFlow = {
      ...flow,
      listName: choices.listName,
      columns: choices.columns,
      busy: false,
      error: undefined,
      takenName: undefined,
    };
    set({ flow: { ...back, busy: true } });
    startsInFlight++;
    let importId: string;
    let early: { listName: string; outcome: ImportOutcome } | undefined;
    try {
      ({ importId } = await api().contacts.startImport({
        fileId: flow.file.id,
        listName: choices.listName,
        sheet: choices.sheet,
        mapping: toMapping(choices.columns),
      }));
      early = earlyOutcomes.get(importId);
    } catch (err) {
      set({ flow: { ...back, error: errorMessage(err) } });
      return;
    } finally {
      if (--startsInFlight === 0) earlyOutcomes.clear();
    }
    const importing: ImportingFlow = {
      step: 'importing',
      file: flow.file,
      importId,
      listName: choices.listName,
      startedAt: Date.now(),
      back,
    };
    set(early ? finished(importing, early.listName, early.outcome) : { flow: importing });
  },
  async cancelImport() {
    const flow = get().flow;
    if (flow.step !== 'importing') return;
    let running: boolean;
    try {
      running = (await api().contacts.cancelImport({ importId: flow.importId })).cancelled;
    } catch (err) {
      running = true; // the import may still run: its outcome will arrive
      set({ actionError: `Could not cancel: ${errorMessage(err)}` });
    }
    const now = get().flow;
    // Not running and no outcome seen: it ended without us hearing of it. Go back, never hang.
    if (!running && now.step === 'importing' && now.importId === flow.importId)
      set({ flow: { ...flow.back, error: 'That import is no longer running: nothing more will happen.' } });
  },
  async deleteList(listId) {
    try {
      await api().contacts.deleteList({ listId });
      set((s) => ({
        actionError: undefined,
        selectedListId: s.selectedListId === listId ? undefined : s.selectedListId,
        lists: s.lists.filter((l) => l.id !== listId),
      }));
      return true;
    } catch (err) {
      set({ actionError: `Could not delete the list: ${errorMessage(err)}` });
      return false;
    }
  },
  dismissImportError() {
    const flow = get().flow;
    if (flow.step === 'idle' && flow.error !== undefined) set({ flow: { step: 'idle' } });
    if (flow.step === 'mapping' && flow.error !== undefined)
      set({ flow: { ...flow, error: undefined, takenName: undefined } });
  },
  dismissActionError() {
    set({ actionError: undefined });
  },
  dismissLoadError() {
    set({ loadError: undefined });
  },
  reset() {
    set({ flow: { step: 'idle' } });
  },
}));

let subscribed = false;
/** Fed by pushes at module scope: progress and outcomes arrive whichever page is open. */
export function startListsFeed(): void {
  if (subscribed) return;
  subscribed = true;
  api().on('contacts.importProgress', ({ importId, progress }) => {
    const flow = useListsStore.getState().flow;
    if (flow.step === 'importing' && flow.importId === importId)
      useListsStore.setState({ flow: { ...flow, progress } });
  });
  api().on('contacts.importFinished', ({ importId, listName, outcome }) => {
    const flow = useListsStore.getState().flow;
    if (flow.step === 'importing' && flow.importId === importId)
      useListsStore.setState(finished(flow, listName, outcome));
    else if (startsInFlight > 0) earlyOutcomes.set(importId, { listName, outcome });
  });
  api().on('contacts.listsChanged', () => void useListsStore.getState().loadLists());
  // Pushes were lost (see Api.onResync): the lists are read again, and an import the wizard follows
  // is looked up as the job it is, in case it ended meanwhile.
  api().onResync(() => {
    void useListsStore.getState().loadLists();
    void catchUpImport();
  });
}

async function catchUpImport(): Promise<void> {
  const flow = useListsStore.getState().flow;
  if (flow.step !== 'importing') return;
  let job: JobInfo;
  try {
    job = await api().jobs.get({ jobId: flow.importId });
  } catch (err) {
    useListsStore.setState({ actionError: `Lost track of the import: ${errorMessage(err)}` });
    return;
  }
  const now = useListsStore.getState().flow;
  if (now.step !== 'importing' || now.importId !== flow.importId) return;
  switch (job.state) {
    case 'running':
      return;
    case 'succeeded':
      useListsStore.setState(
        finished(now, flow.listName, { ok: true, summary: job.result as ImportSummary }),
      );
      return;
    case 'failed':
    case 'cancelled':
    case 'interrupted':
      useListsStore.setState(
        finished(now, flow.listName, {
          ok: false,
          code: job.error?.code ?? job.state,
          message: job.error?.message ?? job.state,
        }),
      );
      return;
    default: {
      const never: never = job.state;
      return never;
    }
  }
}
