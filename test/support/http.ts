/**
 * The status of a GET, its body read and dropped: an unread body keeps its keep-alive socket open
 * (paused) until a garbage collection, and an open socket keeps the Jest worker from exiting.
 */
export async function statusOf(url: string, init?: RequestInit): Promise<number> {
  const response = await fetch(url, init);
  await response.arrayBuffer();
  return response.status;
}
