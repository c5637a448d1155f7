// Validates Camunda 8 element templates with the packages Camunda Modeler builds on
// (@bpmn-io/element-templates-validator). Usage: node tests/validate_templates.mjs FILE...
// Prints OK/FAIL per template and, for each error, the line, the JSON path, the property id/label it belongs to,
// and the message. Then every warning of the validator, marked either
//   "warning:"  something the template can avoid, or
//   "accepted:" with the reason it cannot (see acceptedBecause below).
// Exits 1 when any template is invalid or has a warning it can avoid, 2 on a usage or read error.
import { readFileSync } from 'node:fs';
import {
  validateZeebe,
  getZeebeSchemaPackage,
  getZeebeSchemaVersion
} from '@bpmn-io/element-templates-validator';

// Two errors accompany every failure: they come from the schema's top-level oneOf (one template vs. an array).
const NOISE = new Set([ '/ must be array', '/ must match exactly one schema in oneOf' ]);

function propertyName(template, dataPath) {
  const match = /^\/properties\/(\d+)/.exec(dataPath || '');
  if (!match) return '';
  const property = (template.properties || [])[Number(match[1])] || {};
  const binding = property.binding || {};
  const name = property.id || property.label || binding.name || binding.key || binding.property || '?';
  return ` (property ${match[1]}: ${name})`;
}

// The lowest Camunda minor version a template's `engines.camunda` range admits (^8.3, >=8.3, 8.3.x -> 3), or null.
function lowestCamunda8Minor(template) {
  const range = ((template.engines || {}).camunda || '').trim();
  const match = /^(?:\^|~|>=)?\s*8\.(\d+)/.exec(range);
  return match ? Number(match[1]) : null;
}

// Why a warning is not the template's to clear, or null when it is.
function acceptedBecause(warning, template) {
  const path = warning.instancePath ?? '';
  const index = /^\/properties\/(\d+)/.exec(path);
  const property = index ? (template.properties || [])[Number(index[1])] || {} : {};
  if (/'optional' with 'zeebe:input' binding is deprecated/.test(warning.message)) {
    // Before Camunda 8.8 an empty input mapping is not null: `optional` (no mapping at all) is the only way to
    // leave a value unset, so a template that still supports 8.7 and older needs it.
    const minor = lowestCamunda8Minor(template);
    if (minor !== null && minor < 8) {
      return `needed: engines.camunda ${template.engines.camunda} includes versions before 8.8`;
    }
    return null;
  }
  if (warning.message === 'Value is deprecated' && path.endsWith('/value') &&
      property.feel === 'required' && typeof property.value === 'string' && property.value.startsWith('=')) {
    // The schema deprecates a feel: required value that does NOT start with "="; the validator reports the
    // deprecated oneOf branch while trying it, even for a value that matches the other branch.
    return 'validator artifact: the value starts with "=", which is the non-deprecated form';
  }
  return null;
}

function validateText(label, text, template) {
  const { valid, errors, warnings } = validateZeebe(text);
  console.log(`${valid ? 'OK' : 'FAIL'} ${label}`);
  for (const error of errors || []) {
    // ajv 8 names the JSON path instancePath; older validator versions called it dataPath.
    const path = error.instancePath ?? error.dataPath ?? '';
    const where = `${path || '/'} ${error.message}`;
    if (NOISE.has(where)) continue;
    const line = error.dataPointer && error.dataPointer.value ? `line ${error.dataPointer.value.line + 1}: ` : '';
    console.log(`  ${line}${where}${propertyName(template, path)}`);
  }
  let avoidable = 0;
  for (const warning of warnings || []) {
    const path = warning.instancePath ?? '';
    const reason = acceptedBecause(warning, template);
    const what = `${path || '/'} ${warning.message}${propertyName(template, path)}`;
    if (reason) {
      console.log(`  accepted: ${what} [${reason}]`);
    } else {
      avoidable += 1;
      console.log(`  warning: ${what}`);
    }
  }
  console.log(`  ${(warnings || []).length} warnings, ${avoidable} avoidable`);
  return valid && avoidable === 0;
}

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: node tests/validate_templates.mjs FILE...');
  process.exit(2);
}
console.log(`schema ${getZeebeSchemaPackage()}@${getZeebeSchemaVersion()}`);
let allValid = true;
for (const file of files) {
  let text;
  let parsed;
  try {
    text = readFileSync(file, 'utf-8');
    parsed = JSON.parse(text);
  } catch (error) {
    console.error(`FAIL ${file}: ${error.message}`);
    process.exit(2);
  }
  if (Array.isArray(parsed)) {
    parsed.forEach((template, index) => {
      allValid = validateText(`${file}[${index}] ${template.id}@${template.version}`,
        JSON.stringify(template, null, 2), template) && allValid;
    });
  } else {
    allValid = validateText(`${file} ${parsed.id}@${parsed.version}`, text, parsed) && allValid;
  }
}
process.exit(allValid ? 0 : 1);
