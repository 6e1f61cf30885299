import { create } from 'zustand';
import type {
  ImportOutcome,
  ImportPreview,
  ImportProgress,
  ListSummary,
  MappingOverride,
} from '../../../shared/contacts';
import type { FileLike, StagedFile } from '../../../shared/files';
import { api, errorMessage } from '../api';

export interface ImportChoices {
  listName: string;
  sheet?: string;
  mapping: MappingOverride;
}

/** The import wizard, one step at a time. */
export type ImportFlow =
  | { step: 'idle'; error?: string }
  | { step: 'staging'; fileName: string }
  | {
      step: 'mapping';
      file: StagedFile;
      preview: ImportPreview;
      sheet?: string;
      /** The list name typed so far: kept across sheet changes. */
      listName: string;
      error?: string;
      busy?: boolean;
    }
  | {
      step: 'importing';
      file: StagedFile;
      importId: string;
      listName: string;
      progress?: ImportProgress;
      startedAt: number;
    }
  | { step: 'done'; listName: string; outcome: ImportOutcome };

interface ListsState {
  lists: ListSummary[];
  loadError?: string;
  selectedListId?: number;
  flow: ImportFlow;
  loadLists: () => Promise<void>;
  select: (listId: number | undefined) => void;
  stage: (file: FileLike) => Promise<void>;
  changeSheet: (sheet: string, listName: string) => Promise<void>;
  startImport: (choices: ImportChoices) => Promise<void>;
  cancelImport: () => Promise<void>;
  reset: () => void;
}

const listNameFrom = (fileName: string) => fileName.replace(/\.[^.]+$/, '').slice(0, 200) || 'Imported list';

export const useListsStore = create<ListsState>((set, get) => ({
  lists: [],
  flow: { step: 'idle' },
  async loadLists() {
    try {
      set({ lists: await api().contacts.lists(), loadError: undefined });
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
    set({ flow: { ...flow, listName: choices.listName, busy: true, error: undefined } });
    try {
      const { importId } = await api().contacts.startImport({
        fileId: flow.file.id,
        listName: choices.listName,
        sheet: choices.sheet,
        mapping: choices.mapping,
      });
      set({
        flow: {
          step: 'importing',
          file: flow.file,
          importId,
          listName: choices.listName,
          startedAt: Date.now(),
        },
      });
    } catch (err) {
      set({ flow: { ...flow, listName: choices.listName, busy: false, error: errorMessage(err) } });
    }
  },
  async cancelImport() {
    const flow = get().flow;
    if (flow.step === 'importing') await api().contacts.cancelImport({ importId: flow.importId });
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
    if (flow.step === 'importing' && flow.importId === importId) {
      if (!outcome.ok && outcome.code === 'cancelled') {
        useListsStore.setState({
          flow: { step: 'idle', error: `Import of “${listName}” cancelled: nothing was saved.` },
        });
      } else {
        useListsStore.setState({
          flow: { step: 'done', listName, outcome },
          selectedListId: outcome.ok ? outcome.summary.listId : undefined,
        });
      }
    }
  });
  api().on('contacts.listsChanged', () => void useListsStore.getState().loadLists());
}
