// Drives the bundled Modeler page (build_page.mjs) in headless Chromium, as a modeler would, and prints what
// happened as one JSON object. Reusable for any element template: the templates, the element and the steps are
// the scenario's, not this script's.
//
// Usage: node tests/browser/drive_modeler.mjs PAGE_DIR SCENARIO_JSON
//   PAGE_DIR       the directory build_page.mjs wrote (index.html, modeler.js, styles)
//   SCENARIO_JSON  a file holding
//     { "templates": [template, ...],                 loaded as the Modeler loads its template folder
//       "element": { "type": "bpmn:Task", "id": "Task_1" },          the one element of the new diagram
//       "steps": [ step, ... ] }
//   where a step is one of
//     { "action": "menu", "search": "uipath", "entry": "Add queue item (uipath-connector)" }
//         click the element's wrench (Change element), type the search, click the entry with that name
//     { "action": "apply", "templateId": "...", "version": 7, "presetId": "..." }
//         apply a template as the template chooser does (elementTemplates.applyTemplate; a task that has a
//         template is *changed* from it, which is the Modeler's "Template > Change")
//     { "action": "set", "group": "Input", "label": "Queue name", "value": "Invoices" }
//         type into the field (text, FEEL editor) or choose the option (dropdown) of that label in that section;
//         a value starting with "=" in a FEEL-required field goes into its FEEL editor without the "="
//     { "action": "check", "name": "fresh" }   record the sections, the fields shown and every field error
//     { "action": "export", "name": "after" }  record the exported BPMN XML
//     { "action": "screenshot", "file": "/abs/path.png" }   the properties panel, as an image
// Output: { "checks": {name: {...}}, "exports": {name: xml}, "consoleErrors": [...], "pageErrors": [...] }
// Every wait is bounded; the browser gets a fresh profile directory that is removed afterwards.
import puppeteer from 'puppeteer-core';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const CHROMIUM = process.env.UIPATH_CONNECTOR_CHROMIUM || '/usr/bin/chromium';
const STEP_TIMEOUT_MS = 15000;
// The page writes typed values at once (debounceInput: false); this lets the panel re-render after a change.
const SETTLE_MS = 60;

const [ pageDir, scenarioFile ] = process.argv.slice(2);
if (!pageDir || !scenarioFile) {
  console.error('usage: node tests/browser/drive_modeler.mjs PAGE_DIR SCENARIO_JSON');
  process.exit(2);
}
const scenario = JSON.parse(readFileSync(scenarioFile, 'utf-8'));
const element = { type: 'bpmn:Task', id: 'Task_1', ...(scenario.element || {}) };

function diagram({ type, id }) {
  // bpmn:IntermediateCatchEvent is written <bpmn:intermediateCatchEvent>; an event shape is 36 wide, not 100.
  const local = type.replace(/^bpmn:/, '');
  const tag = local[0].toLowerCase() + local.slice(1);
  const [ width, height ] = /Event$/.test(local) ? [ 36, 36 ] : [ 100, 80 ];
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:modeler="http://camunda.org/schema/modeler/1.0"
  id="Definitions_1" targetNamespace="http://bpmn.io/schema/bpmn"
  modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.7.0">
  <bpmn:process id="Process_1" isExecutable="true"><bpmn:${tag} id="${id}" name="Robot" /></bpmn:process>
  <bpmndi:BPMNDiagram id="Diagram_1"><bpmndi:BPMNPlane id="Plane_1" bpmnElement="Process_1">
    <bpmndi:BPMNShape id="${id}_di" bpmnElement="${id}"><dc:Bounds x="160" y="100" width="${width}" height="${height}" />
    </bpmndi:BPMNShape></bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>`;
}

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

async function openAllGroups(page) {
  // Sections start closed; open each once (a click on an open one would close it).
  for (let round = 0; round < 3; round++) {
    const closed = await page.$$('.bio-properties-panel-group-header:not(.open)');
    if (!closed.length) return;
    for (const header of closed) await header.click();
    await sleep(100);
  }
}

async function findEntry(page, group, label) {
  await openAllGroups(page);
  const handle = await page.evaluateHandle((group, label) => {
    const groups = [ ...document.querySelectorAll('.bio-properties-panel-group') ];
    const inGroup = groups.filter((g) => {
      const title = g.querySelector('.bio-properties-panel-group-header-title');
      return !group || (title && title.textContent.trim() === group);
    });
    for (const g of inGroup) {
      for (const entry of g.querySelectorAll('[data-entry-id]')) {
        const text = entry.querySelector('label');
        if (text && text.textContent.trim() === label) return entry;
      }
    }
    return null;
  }, group || null, label);
  const entry = handle.asElement();
  if (!entry) throw new Error(`no field "${label}"${group ? ` in section "${group}"` : ''}`);
  return entry;
}

async function setField(page, { group, label, value }) {
  const entry = await findEntry(page, group, label);
  const select = await entry.$('select');
  if (select) {
    const options = await select.$$eval('option', (list) => list.map((o) => o.value));
    if (!options.includes(value)) throw new Error(`"${label}" offers ${JSON.stringify(options)}, not ${value}`);
    await select.select(value);
    await sleep(SETTLE_MS);
    return;
  }
  const feelEditor = await entry.$('.bio-properties-panel-feel-editor-container [contenteditable="true"]');
  if (feelEditor) {
    // A FEEL field shows the leading "=" as a marker; its editor holds the expression without it.
    await feelEditor.click();
    await page.keyboard.down('Control');
    await page.keyboard.press('KeyA');
    await page.keyboard.up('Control');
    await page.keyboard.press('Backspace');
    // Inserted as one piece of text, as a paste is: typed key by key, the editor would close brackets and
    // quotes on its own.
    await page.keyboard.sendCharacter(value.replace(/^=/, ''));
    await page.keyboard.press('Tab');
    await sleep(SETTLE_MS);
    return;
  }
  const input = await entry.$('input[type="text"], input:not([type]), textarea');
  if (!input) throw new Error(`field "${label}" has no input the test knows how to fill`);
  await input.click({ clickCount: 3 });
  await page.keyboard.down('Control');
  await page.keyboard.press('KeyA');
  await page.keyboard.up('Control');
  await page.keyboard.press('Backspace');
  // The first character by its key, the rest as one inserted text (as a paste): the same input events for the
  // panel, a fraction of the browser round trips.
  if (value !== '') {
    await page.keyboard.type(value.slice(0, 1));
    if (value.length > 1) await page.keyboard.sendCharacter(value.slice(1));
  }
  await page.keyboard.press('Tab');
  await sleep(SETTLE_MS);
}

async function check(page) {
  await openAllGroups(page);
  return page.evaluate(() => {
    const sections = [ ...document.querySelectorAll('.bio-properties-panel-group') ].map((g) => {
      const title = g.querySelector('.bio-properties-panel-group-header-title');
      return title ? title.textContent.trim() : '';
    });
    const fields = [];
    const errors = {};
    for (const g of document.querySelectorAll('.bio-properties-panel-group')) {
      const title = (g.querySelector('.bio-properties-panel-group-header-title') || {}).textContent || '';
      for (const entry of g.querySelectorAll('[data-entry-id^="custom-entry-"]')) {
        const label = entry.querySelector('label');
        const name = `${title.trim()}/${label ? label.textContent.trim() : entry.getAttribute('data-entry-id')}`;
        fields.push(name);
        const error = entry.querySelector('.bio-properties-panel-error');
        if (error && error.textContent.trim()) errors[name] = error.textContent.trim();
      }
    }
    return { sections, fields, errors };
  });
}

async function pickFromMenu(page, { search, entry: name }) {
  const pad = await page.waitForSelector('.djs-context-pad [data-action="replace"]', { timeout: STEP_TIMEOUT_MS });
  await pad.click();
  await page.waitForSelector('.djs-popup .djs-popup-search input', { timeout: STEP_TIMEOUT_MS });
  await page.type('.djs-popup .djs-popup-search input', search);
  await sleep(200);
  const entries = await page.$$('.djs-popup .entry');
  for (const candidate of entries) {
    const label = await candidate.$eval('.djs-popup-label', (e) => e.textContent.trim()).catch(() => null);
    if (label === name) {
      await candidate.click();
      await sleep(SETTLE_MS);
      return;
    }
  }
  const offered = await page.$$eval('.djs-popup .entry .djs-popup-label', (list) => list.map((e) => e.textContent));
  throw new Error(`the menu offers ${JSON.stringify(offered)} for "${search}", not "${name}"`);
}

const profile = mkdtempSync(join(tmpdir(), 'uipath-connector-chromium-'));
const result = { checks: {}, exports: {}, consoleErrors: [], pageErrors: [] };
let browser;
try {
  browser = await puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: STEP_TIMEOUT_MS,
    protocolTimeout: STEP_TIMEOUT_MS * 2,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      `--user-data-dir=${profile}`
    ]
  });
  const page = await browser.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  page.on('console', (message) => {
    if (message.type() === 'error') result.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => result.pageErrors.push(String(error && error.message || error)));
  await page.setViewport({ width: 1280, height: 1400 });
  await page.goto(pathToFileURL(resolve(pageDir, 'index.html')).href, { waitUntil: 'load' });
  await page.evaluate(async (xml, templates, id) => {
    const modeler = window.modeler;
    const { warnings } = await modeler.importXML(xml);
    if (warnings.length) throw new Error(`the diagram imported with warnings: ${warnings.map((w) => w.message)}`);
    modeler.get('elementTemplatesLoader').setTemplates(templates);
    modeler.get('selection').select(modeler.get('elementRegistry').get(id));
  }, diagram(element), scenario.templates, element.id);
  await sleep(SETTLE_MS);

  for (const step of scenario.steps) {
    try {
      if (step.action === 'menu') {
        await pickFromMenu(page, step);
      } else if (step.action === 'apply') {
        const problem = await page.evaluate((step, id) => {
          const modeler = window.modeler;
          const templates = modeler.get('elementTemplates');
          const template = templates.get(step.templateId, step.version);
          if (!template) return `no template ${step.templateId}@${step.version}`;
          const target = modeler.get('elementRegistry').get(id);
          templates.applyTemplate(target, template, step.presetId ? { presetId: step.presetId } : {});
          modeler.get('selection').select(modeler.get('elementRegistry').get(id));
          return null;
        }, step, element.id);
        if (problem) throw new Error(problem);
        await sleep(SETTLE_MS);
      } else if (step.action === 'set') {
        await setField(page, step);
      } else if (step.action === 'check') {
        result.checks[step.name] = await check(page);
      } else if (step.action === 'export') {
        result.exports[step.name] = await page.evaluate(async () => (await window.modeler.saveXML({ format: true })).xml);
      } else if (step.action === 'screenshot') {
        await openAllGroups(page);
        await page.mouse.move(1, 1); // no hover highlight in the picture
        const panel = await page.$('#properties');
        await page.evaluate(() => {
          // Show the whole panel: let it grow to its content for the picture.
          const panel = document.querySelector('#properties');
          panel.style.bottom = 'auto';
          panel.style.overflow = 'visible';
        });
        await panel.screenshot({ path: step.file });
        await page.evaluate(() => {
          const panel = document.querySelector('#properties');
          panel.style.bottom = '0';
          panel.style.overflow = 'auto';
        });
      } else {
        throw new Error(`unknown action ${JSON.stringify(step.action)}`);
      }
    } catch (error) {
      throw new Error(`step ${JSON.stringify(step)}: ${error.message}`);
    }
  }
} catch (error) {
  result.failure = String(error && error.message || error);
} finally {
  if (browser) await browser.close().catch(() => {});
  rmSync(profile, { recursive: true, force: true });
}
console.log(JSON.stringify(result));
process.exit(result.failure ? 1 : 0);
