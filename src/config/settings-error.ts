/**
 * The one error for a bad configuration: a variable, key or config file that breaks a rule. Its message names the
 * variable (or file and field) and the rule, and is what an operator reads when start-up stops.
 */
import { AppError } from '../errors.js';

export class SettingsError extends AppError {
  override name = 'SettingsError';

  constructor(message: string) {
    super('invalid', message);
  }
}
