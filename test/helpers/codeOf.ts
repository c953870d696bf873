/** The class and `code` of what `f` throws (`{ cls: undefined, code: undefined }` when it does not throw). */
export function codeOf(f: () => unknown): { cls: unknown; code: string | undefined } {
  try {
    f();
  } catch (e) {
    return { cls: (e as object).constructor, code: (e as { code?: string }).code };
  }
  return { cls: undefined, code: undefined };
}
