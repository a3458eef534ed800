export async function runMain(): Promise<void> {
  throw new Error('the CLI is not built yet');
}
