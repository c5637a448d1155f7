// FEEL oracle for tests/test_feel_oracle.py: evaluates expressions with feelin (npm, pinned in
// package-lock.json) and prints one JSON result per input line.
//
// stdin:  one JSON object per line: {"expression": "...", "context": {...}}
// stdout: one JSON object per line: {"value": <encoded value>} or {"error": "<message>"}
//
// Encoding, shared with the Python side: durations {"$duration": iso}, dates {"$date": iso},
// date-times {"$dateTime": iso}, times {"$time": iso}, ranges {"$range": [start, end, startIncluded,
// endIncluded]}, functions {"$function": true}; everything else is plain JSON.
// bpmnError / jobError / ignoreError are context functions with the shapes of
// uipath_connector.feel (Camunda's connector functions).
import { createInterface } from 'node:readline';
import { evaluate, FeelDate, FeelDateTime, FeelDuration, FeelRange, FeelTime } from 'feelin';

const ZERO = evaluate('duration("PT0S")').value;

const connectorFunctions = {
  bpmnError: (errorCode, errorMessage, variables) => ({
    errorType: 'bpmnError', errorCode, errorMessage: errorMessage ?? '', variables: variables ?? {}
  }),
  jobError: (errorMessage, variables, retries, retryBackoff) => ({
    errorType: 'jobError',
    errorMessage,
    variables: variables ?? {},
    retries: retries ?? 0,
    retryBackoff: retryBackoff ?? ZERO
  }),
  ignoreError: (variables) => ({ errorType: 'ignoreError', variables: variables ?? {} })
};

function encode(value) {
  if (value === undefined || value === null) return null;
  if (value instanceof FeelDuration) return { $duration: value.iso };
  if (value instanceof FeelDateTime) return { $dateTime: value.iso };
  if (value instanceof FeelDate) return { $date: value.iso };
  if (value instanceof FeelTime) return { $time: value.iso };
  if (value instanceof FeelRange) {
    return { $range: [encode(value.start), encode(value.end), value['start included'], value['end included']] };
  }
  if (typeof value === 'function') return { $function: true };
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  if (Array.isArray(value)) return value.map(encode);
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, encode(v)]));
  }
  return value;
}

function strip(expression) {
  const trimmed = expression.trim();
  return trimmed.startsWith('=') ? trimmed.slice(1) : trimmed;
}

const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
for await (const line of lines) {
  if (!line.trim()) continue;
  const { expression, context } = JSON.parse(line);
  let out;
  try {
    const { value } = evaluate(strip(expression), { ...connectorFunctions, ...(context ?? {}) });
    out = { value: encode(value) };
  } catch (error) {
    out = { error: String(error && error.message || error) };
  }
  process.stdout.write(JSON.stringify(out) + '\n');
}
