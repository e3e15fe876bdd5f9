// botbuilder's BotState (conversation and user state) reads and writes through its own Storage type.
// The services' key-value port (services/store/keyValueStorage) keeps the same shape and eTag rules,
// so one store serves both; this is the one place that says so, and the compiler checks it here.
import type { Storage } from 'botbuilder';
import type { KeyValueStorage } from '../services/store/keyValueStorage';

export function botStorage(store: KeyValueStorage): Storage {
  return store;
}
