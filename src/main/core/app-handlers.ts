import type { AppInfo } from '../../shared/api/contract';
import type { Handlers } from './api';
import type { AuditLog } from './reports';
import type { SettingsService } from './settings';
import type { EventBus } from './api';

export interface HandlerDeps {
  info: AppInfo;
  settings: SettingsService;
  audit: AuditLog;
  events: EventBus;
}

/** The core's Api implementation. Each domain's methods delegate to that domain's service. */
export function createHandlers({ info, settings, audit, events }: HandlerDeps): Handlers {
  return {
    app: {
      info: () => info,
    },
    settings: {
      get: () => settings.view(),
      update: (req) => {
        const view = settings.update(req.section, req.values);
        events.emit('settings.changed', view);
        return view;
      },
      setSecret: (req) => {
        const view = settings.setSecret(req.name, req.value);
        events.emit('settings.changed', view);
        return view;
      },
    },
    audit: {
      list: (req) => audit.list(req.beforeSeq, req.limit),
      verify: () => audit.verify(),
    },
  };
}
