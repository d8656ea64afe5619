// Calls to the dashboard's own JSON API. Failures become ApiError with the server's message,
// so that every view can show what went wrong instead of an empty page.

export class ApiError extends Error {
  constructor(message, status) {
    super(message);
    this.status = status;
  }
}

export async function getJson(path) {
  return request(path, { headers: { Accept: 'application/json' } });
}

// The local cluster's controls answer only requests that carry this run's token, which only a
// page served by the dashboard itself can read. Fetched once, on the first control used.
let controlToken = null;

export async function postControl(path) {
  controlToken = controlToken || getJson('/api/control').catch((error) => {
    controlToken = null;
    throw error;
  });
  const { header, token } = await controlToken;
  return request(path, { method: 'POST', headers: { Accept: 'application/json', [header]: token } });
}

async function request(path, init) {
  let response;
  try {
    response = await fetch(path, init);
  } catch (error) {
    throw new ApiError(`cannot reach the dashboard server (${error.message})`, 0);
  }
  const body = await readBody(response);
  if (!response.ok) {
    const message = body && body.error ? body.error : `${response.status} ${response.statusText}`;
    throw new ApiError(message, response.status);
  }
  return body;
}

async function readBody(response) {
  const text = await response.text();
  if (!text) {
    return null;
  }
  try {
    return JSON.parse(text);
  } catch {
    // A proxy's HTML error page, say: keep its status, not its markup.
    if (response.ok) {
      throw new ApiError('the server answered with something other than JSON', response.status);
    }
    return null;
  }
}
