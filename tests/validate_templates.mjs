// Validates Camunda 8 element templates with the packages Camunda Modeler builds on
// (@bpmn-io/element-templates-validator). Usage: node tests/validate_templates.mjs FILE...
// Prints OK/FAIL per template and, for each error, the line, the JSON path, the property id/label it belongs to,
// and the message. Exits 1 when any template is invalid, 2 on a usage or read error.
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

function validateText(label, text, template) {
  const { valid, errors } = validateZeebe(text);
  console.log(`${valid ? 'OK' : 'FAIL'} ${label}`);
  for (const error of errors || []) {
    // ajv 8 names the JSON path instancePath; older validator versions called it dataPath.
    const path = error.instancePath ?? error.dataPath ?? '';
    const where = `${path || '/'} ${error.message}`;
    if (NOISE.has(where)) continue;
    const line = error.dataPointer && error.dataPointer.value ? `line ${error.dataPointer.value.line + 1}: ` : '';
    console.log(`  ${line}${where}${propertyName(template, path)}`);
  }
  return valid;
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
