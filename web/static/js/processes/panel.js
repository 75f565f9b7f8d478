// The Q-Office groups of the properties panel: what a process owner edits in a diagram, with the
// roles, forms, operators and functions of this installation (the catalogue from the server).
import {
  Group, SelectEntry, TextAreaEntry, TextFieldEntry, getBusinessObject, is,
  isSelectEntryEdited, isTextAreaEntryEdited, isTextFieldEntryEdited, useService
} from '/static/vendor/bpmn-js/bpmn-modeler.js';
import {
  getOperator, getParameter, getProperty, parameterNames, setExpression, setOperator,
  setOperatorAttribute, setParameter, setProperty
} from './extensions.js';

const TIMER_KINDS = [ 'timeDate', 'timeDuration', 'timeCycle' ];

function text(props, entry) {
  const { element, id, label, description, getValue, setValue, placeholder } = entry;
  const translate = useService('translate');
  return TextFieldEntry({
    element, id, label: translate(label), description: description && translate(description),
    getValue, setValue, placeholder, debounce: useService('debounceInput')
  });
}

function area(props, entry) {
  const { element, id, label, description, descriptionArgs, getValue, setValue, rows } = entry;
  const translate = useService('translate');
  return TextAreaEntry({
    element, id, label: translate(label), description: description && translate(description, descriptionArgs),
    getValue, setValue, rows: rows || 3, monospace: true, debounce: useService('debounceInput')
  });
}

function select(props, entry) {
  const { element, id, label, description, getValue, setValue, options } = entry;
  const translate = useService('translate');
  return SelectEntry({
    element, id, label: translate(label), description: description && translate(description),
    getValue, setValue, getOptions: () => options.map(option => ({ ...option, label: translate(option.label) }))
  });
}

// One entry of a group: a component rendering a text field, text area or select with ``props``.
function entry(kind, props) {
  const render = { text, area, select }[kind];
  const isEdited = { text: isTextFieldEntryEdited, area: isTextAreaEntryEdited, select: isSelectEntryEdited }[kind];
  return { id: props.id, element: props.element, isEdited, component: p => render(p, props) };
}

export default function QofficePropertiesProvider(propertiesPanel, injector, config) {
  this._injector = injector;
  this._catalog = (config && config.catalog) || { roles: [], forms: [], operators: [], functions: [] };
  propertiesPanel.registerProvider(400, this);
}

QofficePropertiesProvider.$inject = [ 'propertiesPanel', 'injector', 'config.qoffice' ];

QofficePropertiesProvider.prototype.getGroups = function(element) {
  const catalog = this._catalog;
  const svc = {
    bpmnFactory: this._injector.get('bpmnFactory'),
    commandStack: this._injector.get('commandStack'),
    modeling: this._injector.get('modeling'),
    elementRegistry: this._injector.get('elementRegistry'),
    translate: this._injector.get('translate')
  };
  return groups => {
    // Q-Office's own timer group replaces the generic one: its values are Python expressions.
    groups = groups.filter(group => group.id !== 'timer');
    const mine = [
      laneGroup(element, catalog, svc), userTaskGroup(element, catalog, svc), operatorGroup(element, catalog, svc),
      scriptGroup(element, svc), conditionGroup(element, svc), timerGroup(element, catalog, svc),
      callGroup(element, svc)
    ].filter(Boolean);
    const general = groups.findIndex(group => group.id === 'general');
    groups.splice(general + 1, 0, ...mine);
    return groups;
  };
};

function group(svc, id, label, entries) {
  return entries.length ? { id, label: svc.translate(label), entries, component: Group } : null;
}

function laneGroup(element, catalog, svc) {
  if (!is(element, 'bpmn:Lane')) return null;
  const options = [ { value: '', label: '—' }, ...catalog.roles.map(r => ({ value: r.value, label: `${r.label} (${r.value})` })) ];
  return group(svc, 'qoffice-lane', 'Vai trò của làn', [
    entry('select', {
      element, id: 'qo-role', label: 'Vai trò Q-Office', options,
      description: 'Ai nhận các công việc trong làn này.',
      getValue: () => getProperty(element, 'role'),
      setValue: value => setProperty(element, 'role', value, svc)
    })
  ]);
}

function userTaskGroup(element, catalog, svc) {
  if (!is(element, 'bpmn:UserTask')) return null;
  const id = getBusinessObject(element).id;
  const forms = [ { value: '', label: `(${id})` }, ...catalog.forms.map(f => ({ value: f.value, label: `${f.label} — ${f.value}` })) ];
  const property = (name, label, description, kind = 'text') => entry(kind, {
    element, id: `qo-${name}`, label, description,
    getValue: () => getProperty(element, name),
    setValue: value => setProperty(element, name, value, svc)
  });
  return group(svc, 'qoffice-user-task', 'Công việc của người dùng', [
    entry('select', {
      element, id: 'qo-form', label: 'Biểu mẫu', options: forms,
      description: 'Biểu mẫu người xử lý điền; để trống là biểu mẫu cùng tên với mã công việc.',
      getValue: () => getProperty(element, 'form'),
      setValue: value => setProperty(element, 'form', value, svc)
    }),
    property('assignee', 'Người xử lý (assignee)', "Biểu thức Python, ví dụ 'user:' + leader; để trống: mọi người có vai trò của làn."),
    property('unit', 'Đơn vị (unit)', "Biểu thức Python, ví dụ 'unit:' + unit hoặc unit."),
    property('due', 'Hạn xử lý (due)', 'Biểu thức Python, ví dụ add_working_days(received_at, 2).')
  ]);
}

function operatorGroup(element, catalog, svc) {
  if (!is(element, 'bpmn:ServiceTask')) return null;
  const operator = getOperator(element);
  const name = operator ? operator.id || '' : '';
  const chosen = catalog.operators.find(o => o.value === name);
  const options = [ { value: '', label: '—' }, ...catalog.operators.map(o => ({ value: o.value, label: `${o.value} — ${o.label}` })) ];
  if (name && !chosen) options.push({ value: name, label: `${name} (?)` });
  const entries = [
    entry('select', {
      element, id: 'qo-operator', label: 'Thao tác', options,
      description: chosen ? chosen.label : 'Chọn một thao tác trong danh sách cho phép.',
      getValue: () => (getOperator(element) || {}).id || '',
      setValue: value => {
        const next = catalog.operators.find(o => o.value === value);
        setOperator(element, value, next ? next.params.map(p => p.name) : [], svc);
      }
    }),
    entry('text', {
      element, id: 'qo-result', label: 'Biến kết quả',
      description: 'Tên biến nhận kết quả của thao tác (ví dụ registration).',
      getValue: () => (getOperator(element) || {}).resultVariable || '',
      setValue: value => setOperatorAttribute(element, 'resultVariable', value, svc)
    })
  ];
  const declared = chosen ? chosen.params : [];
  const extra = parameterNames(element).filter(n => !declared.some(p => p.name === n));
  for (const param of [ ...declared, ...extra.map(n => ({ name: n, description: 'Thao tác không nhận tham số này: xóa nội dung để bỏ.' })) ]) {
    entries.push(entry('text', {
      element, id: `qo-param-${param.name}`, label: `${param.name}${param.required ? ' *' : ''}`,
      description: param.description, placeholder: param.example || '',
      getValue: () => getParameter(element, param.name),
      setValue: value => setParameter(element, param.name, value, svc)
    }));
  }
  return group(svc, 'qoffice-operator', 'Thao tác của hệ thống', entries);
}

function scriptGroup(element, svc) {
  if (!is(element, 'bpmn:ScriptTask')) return null;
  const bo = getBusinessObject(element);
  return group(svc, 'qoffice-script', 'Mã script (Python)', [
    entry('area', {
      element, id: 'qo-script', label: 'Mã', rows: 6,
      description: 'Python giới hạn: không import, không truy cập thuộc tính ẩn (__…__).',
      getValue: () => bo.get('script') || '',
      setValue: value => {
        svc.commandStack.execute('element.updateModdleProperties', {
          element, moddleElement: bo, properties: { script: value || undefined, scriptFormat: 'python' }
        });
      }
    })
  ]);
}

function conditionGroup(element, svc) {
  if (!is(element, 'bpmn:SequenceFlow')) return null;
  const bo = getBusinessObject(element);
  const source = bo.sourceRef;
  if (!source || !(is(source, 'bpmn:ExclusiveGateway') || is(source, 'bpmn:InclusiveGateway'))) return null;
  return group(svc, 'qoffice-condition', 'Điều kiện rẽ nhánh', [
    entry('select', {
      element, id: 'qo-default', label: 'Nhánh mặc định',
      options: [ { value: '', label: 'Không' }, { value: 'yes', label: 'Có (đi nhánh này khi không điều kiện nào đúng)' } ],
      getValue: () => (source.default === bo ? 'yes' : ''),
      setValue: value => {
        const gateway = svc.elementRegistry.get(source.id);
        svc.modeling.updateProperties(gateway, { default: value ? bo : undefined });
      }
    }),
    entry('area', {
      element, id: 'qo-condition', label: 'Điều kiện',
      description: "Biểu thức Python, ví dụ decision == 'refuse'.",
      getValue: () => (bo.conditionExpression && bo.conditionExpression.body) || '',
      setValue: value => setExpression(element, bo, 'conditionExpression', value, svc)
    })
  ]);
}

function timerDefinition(element) {
  const bo = getBusinessObject(element);
  return (bo.eventDefinitions || []).find(d => is(d, 'bpmn:TimerEventDefinition'));
}

function timerGroup(element, catalog, svc) {
  const definition = timerDefinition(element);
  if (!definition) return null;
  const kind = () => TIMER_KINDS.find(k => definition.get(k)) || '';
  const functions = catalog.functions.map(f => f.signature).join(', ');
  return group(svc, 'qoffice-timer', 'Hẹn giờ', [
    entry('select', {
      element, id: 'qo-timer-kind', label: 'Loại hẹn giờ',
      options: [
        { value: '', label: '—' },
        { value: 'timeDate', label: 'Thời điểm (date)' },
        { value: 'timeDuration', label: 'Khoảng thời gian (duration)' },
        { value: 'timeCycle', label: 'Chu kỳ (cycle)' }
      ],
      getValue: kind,
      setValue: value => {
        const current = kind();
        const body = current ? definition.get(current).body : '';
        const properties = { timeDate: undefined, timeDuration: undefined, timeCycle: undefined };
        if (value) {
          const expression = svc.bpmnFactory.create('bpmn:FormalExpression', { body });
          expression.$parent = definition;
          properties[value] = expression;
        }
        svc.commandStack.execute('element.updateModdleProperties',
          { element, moddleElement: definition, properties });
      }
    }),
    entry('area', {
      element, id: 'qo-timer', label: 'Biểu thức hẹn giờ',
      description: "Python, trả về chuỗi ISO 8601 có múi giờ; ví dụ verify_due, 'PT2H', 'R60/' + next_morning(due) + '/P1D'. Hàm: {functions}",
      descriptionArgs: { functions },
      getValue: () => (kind() ? definition.get(kind()).body || '' : ''),
      setValue: value => {
        setExpression(element, definition, kind() || 'timeDate', value, svc);
      }
    })
  ]);
}

function callGroup(element, svc) {
  if (!is(element, 'bpmn:CallActivity')) return null;
  const bo = getBusinessObject(element);
  return group(svc, 'qoffice-call', 'Gọi quy trình con', [
    entry('text', {
      element, id: 'qo-called', label: 'Mã quy trình được gọi',
      description: 'Quy trình đã triển khai; chạy phiên bản mới nhất tại lúc triển khai sơ đồ này.',
      getValue: () => bo.get('calledElement') || '',
      setValue: value => {
        svc.commandStack.execute('element.updateModdleProperties',
          { element, moddleElement: bo, properties: { calledElement: (value || '').trim() || undefined } });
      }
    })
  ]);
}

export const QofficePanelModule = {
  __init__: [ 'qofficePropertiesProvider' ],
  qofficePropertiesProvider: [ 'type', QofficePropertiesProvider ]
};

