// The page the browser test drives: a Camunda-Modeler-like bpmn-js setup for Camunda 8, built from the same
// libraries Camunda Modeler uses (bpmn-js, bpmn-js-properties-panel with the Zeebe properties provider,
// bpmn-js-element-templates, bpmn-js-create-append-anything for the template entries of the replace menu,
// camunda-bpmn-js-behaviors, zeebe-bpmn-moddle). Bundled by build_page.mjs; exposes `window.modeler`.
import BpmnModeler from 'bpmn-js/lib/Modeler';
import {
  BpmnPropertiesPanelModule,
  BpmnPropertiesProviderModule,
  ZeebePropertiesProviderModule
} from 'bpmn-js-properties-panel';
import {
  CloudElementTemplatesPropertiesProviderModule,
  CloudElementTemplatesValidator
} from 'bpmn-js-element-templates';
import { CreateAppendAnythingModule, CreateAppendElementTemplatesModule } from 'bpmn-js-create-append-anything';
import ZeebeBehaviorsModule from 'camunda-bpmn-js-behaviors/lib/camunda-cloud';
import zeebeModdle from 'zeebe-bpmn-moddle/resources/zeebe.json';

window.modeler = new BpmnModeler({
  container: '#canvas',
  propertiesPanel: { parent: '#properties' },
  additionalModules: [
    BpmnPropertiesPanelModule,
    BpmnPropertiesProviderModule,
    ZeebePropertiesProviderModule,
    CloudElementTemplatesPropertiesProviderModule,
    CreateAppendAnythingModule,
    CreateAppendElementTemplatesModule,
    ZeebeBehaviorsModule
  ],
  moddleExtensions: { zeebe: zeebeModdle },
  // Write each typed value at once instead of after the panel's 600 ms debounce (an official option), so the
  // test never waits on a timer; what is written is the same.
  debounceInput: false
});
// The validator the Modeler runs on templates before it offers them (errors end up in `templateErrors`).
window.CloudElementTemplatesValidator = CloudElementTemplatesValidator;
