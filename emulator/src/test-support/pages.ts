// A test helper posting a hosted-page form the way a browser does.
/** Posts a hosted-page form the way a browser does (form-encoded, no redirect following). */
export async function submitForm(url: string, fields: Record<string, string>): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}
