// The spiffworkflow extension namespace as Q-Office diagrams use it (SpiffWorkflow 3.2.0's
// spiffworkflow.xsd): user-task and lane properties, service-task operators with their parameters,
// pre/post scripts, the variable of a message catch event. Registered with bpmn-js as a moddle
// extension so the properties panel can edit it and the XML keeps it on save (bpmn-js drops the
// extension elements it has no type for).
export default {
  name: 'SpiffWorkflow',
  uri: 'http://spiffworkflow.org/bpmn/schema/1.0/core',
  prefix: 'spiffworkflow',
  xml: { tagAlias: 'lowerCase' },
  associations: [],
  types: [
    {
      name: 'Properties',
      superClass: [ 'Element' ],
      meta: { allowedIn: [ '*' ] },
      properties: [ { name: 'properties', type: 'Property', isMany: true } ]
    },
    {
      name: 'Property',
      superClass: [ 'Element' ],
      properties: [
        { name: 'name', type: 'String', isAttr: true },
        { name: 'value', type: 'String', isAttr: true }
      ]
    },
    {
      name: 'ServiceTaskOperator',
      superClass: [ 'Element' ],
      meta: { allowedIn: [ 'bpmn:ServiceTask' ] },
      properties: [
        // "id" names the operator, not the element: a plain attribute, never an XML id
        { name: 'id', type: 'String', isAttr: true },
        { name: 'resultVariable', type: 'String', isAttr: true },
        { name: 'parameterList', type: 'Parameters' }
      ]
    },
    {
      name: 'Parameters',
      superClass: [ 'Element' ],
      properties: [ { name: 'parameters', type: 'Parameter', isMany: true } ]
    },
    {
      name: 'Parameter',
      superClass: [ 'Element' ],
      properties: [
        { name: 'id', type: 'String', isAttr: true },
        { name: 'type', type: 'String', isAttr: true },
        { name: 'value', type: 'String', isAttr: true }
      ]
    },
    {
      // where a message catch event puts the message's payload (engine/processing/replies.py)
      name: 'MessageVariable',
      superClass: [ 'Element' ],
      properties: [ { name: 'value', type: 'String', isBody: true } ]
    },
    {
      name: 'PreScript',
      superClass: [ 'Element' ],
      properties: [ { name: 'value', type: 'String', isBody: true } ]
    },
    {
      name: 'PostScript',
      superClass: [ 'Element' ],
      properties: [ { name: 'value', type: 'String', isBody: true } ]
    }
  ]
};
