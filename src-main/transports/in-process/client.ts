import type { ApiClient, CommandInput, CommandName, CommandOutput, EventName, EventPayload } from '../../api/contract.js';
import type { Dispatcher } from '../../api/dispatcher.js';

/** The in-process transport (CLI, tests): calls go through the same validation as any other transport. */
export function inProcessClient(dispatcher: Dispatcher): ApiClient {
  return {
    async call<C extends CommandName>(name: C, input: CommandInput<C>): Promise<CommandOutput<C>> {
      return (await dispatcher.dispatch(name, input)) as CommandOutput<C>;
    },
    on<E extends EventName>(name: E, listener: (payload: EventPayload<E>) => void): () => void {
      return dispatcher.subscribe((m) => {
        if (m.event === name) listener(m.payload as EventPayload<E>);
      });
    },
  };
}
