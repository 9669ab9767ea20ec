/** A file uploaded to a provider's Files API, the same on every provider that has one. */
export interface UploadedFile {
  /** The provider's id of the file (Gemini's `files/abc-123`, OpenAI's `file-abc`): what `get` and `delete` take. */
  id: string;
  /** What a media part's `file` takes: Gemini's file URI, OpenAI's file id. */
  uri: string;
  media_type: string;
  size_bytes: number | undefined;
  /** `PROCESSING` (Gemini processes videos for a while), `ACTIVE` (usable) or `FAILED`. */
  state: string;
  display_name: string | undefined;
  /** When the provider deletes it (Gemini: 48 hours after upload), RFC 3339; `undefined` if never. */
  expires_at: string | undefined;
  /** Why processing failed, when `state` is `FAILED`. */
  error: string | undefined;
  /** A media part that refers to this file, ready for a message's content. */
  part: { type: "media"; file: string; media_type: string };
}
