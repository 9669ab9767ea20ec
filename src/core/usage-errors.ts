/** Thrown at construction when a configuration value is missing or invalid. */
export class ConfigError extends Error {
  override name = "ConfigError";
  /** The config option at fault, e.g. `temperature`. */
  readonly option: string;
  /** The environment variable that can also set it, e.g. `OPENAI_TEMPERATURE`, when there is one. */
  readonly env_var: string | undefined;

  constructor(options: {
    option: string;
    env_var?: string | undefined;
    problem: string;
    /** What to do instead of the usual "set the option" (an unknown option cannot be set). */
    advice?: string | undefined;
  }) {
    const where =
      options.advice ??
      (options.env_var
        ? `set the "${options.option}" option or ${options.env_var}`
        : `set the "${options.option}" option`);
    super(`Invalid config "${options.option}": ${options.problem}; ${where}.`);
    this.option = options.option;
    this.env_var = options.env_var;
  }
}

/**
 * Thrown (the call rejects) for a programming error: arguments that can never make a valid request,
 * such as an unknown message role or a tool without a name. Everything that goes wrong with a valid
 * request resolves as an error response instead.
 */
export class InvalidArgumentError extends TypeError {
  override name = "InvalidArgumentError";
  /** Path of the offending argument, e.g. `messages[2].role`. */
  readonly argument: string;

  constructor(argument: string, problem: string) {
    super(`Invalid argument ${argument}: ${problem}`);
    this.argument = argument;
  }
}
