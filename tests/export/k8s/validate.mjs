#!/usr/bin/env node
// Validates the Kubernetes manifests written by `lineup export kubernetes`.
//
//   node validate.mjs DIR...
//
// Prints one line per problem, `FILE: KIND/NAME: PATH: message`, and exits 1
// if there is any; otherwise prints `ok: N objects in M files` and exits 0.
// What is checked and why: README.md beside this file.

import fs from "node:fs";
import path from "node:path";
import { parseAllDocuments } from "yaml";

import { ConfigMap } from "kubernetes-models/v1/ConfigMap";
import { Namespace } from "kubernetes-models/v1/Namespace";
import { PersistentVolumeClaim } from "kubernetes-models/v1/PersistentVolumeClaim";
import { Secret } from "kubernetes-models/v1/Secret";
import { Service } from "kubernetes-models/v1/Service";
import { ServiceAccount } from "kubernetes-models/v1/ServiceAccount";
import { DaemonSet } from "kubernetes-models/apps/v1/DaemonSet";
import { Deployment } from "kubernetes-models/apps/v1/Deployment";
import { StatefulSet } from "kubernetes-models/apps/v1/StatefulSet";
import { CronJob } from "kubernetes-models/batch/v1/CronJob";
import { Job } from "kubernetes-models/batch/v1/Job";
import { NetworkPolicy } from "kubernetes-models/networking.k8s.io/v1/NetworkPolicy";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1/PodDisruptionBudget";
import { ClusterRole } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole";
import { ClusterRoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding";
import { Role } from "kubernetes-models/rbac.authorization.k8s.io/v1/Role";
import { RoleBinding } from "kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding";
import { PriorityClass } from "kubernetes-models/scheduling.k8s.io/v1/PriorityClass";

// Only the kinds listed here are accepted: an object of any other
// apiVersion/kind is something the exporter was not meant to write.
const MODELS = new Map(
  [ConfigMap, Namespace, PersistentVolumeClaim, Secret, Service, ServiceAccount,
   DaemonSet, Deployment, StatefulSet, CronJob, Job, NetworkPolicy, PodDisruptionBudget,
   ClusterRole, ClusterRoleBinding, Role, RoleBinding, PriorityClass,
  ].map((M) => [`${M.apiVersion}/${M.kind}`, M]));

// ---------------------------------------------------------------- reporting

// [file, line] pairs; printed grouped by file, in the order found within a file.
const problems = [];

// Formats ["spec", "containers", 0, "name"] as spec.containers[0].name; keys
// that are not identifiers (label keys like app.kubernetes.io/name) get ["..."].
function fmtPath(segs) {
  let out = "";
  for (const s of segs) {
    if (typeof s === "number") out += `[${s}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(s)) out += (out ? "." : "") + s;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out || "-";
}

// One object (or the kustomization) being checked. Only the first problem at
// a given path is kept, so a bad value that several rules catch (e.g. an enum
// both the schema and our table know) is reported once.
class Ctx {
  constructor(file, obj) {
    this.file = file;
    this.obj = obj;
    this.id = `${obj?.kind ?? "-"}/${obj?.metadata?.name ?? "-"}`;
    this.seen = new Set();
  }
  report(segs, msg, { once = true } = {}) {
    const p = fmtPath(segs);
    if (once && this.seen.has(p)) return;
    this.seen.add(p);
    problems.push([this.file, `${this.file}: ${this.id}: ${p}: ${msg}`]);
  }
  has(segs) { return this.seen.has(fmtPath(segs)); }
}

const fileProblem = (file, msg) => problems.push([file, `${file}: -: -: ${msg}`]);
const isMap = (v) => v !== null && typeof v === "object" && !Array.isArray(v);
const asArray = (v) => (Array.isArray(v) ? v : []);
const asMap = (v) => (isMap(v) ? v : {});

// ------------------------------------------------- names, labels, enums

// The regular expressions of k8s.io/apimachinery/pkg/util/validation.
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;

const NAME_RULES = {
  subdomain: [(s) => s.length <= 253 && DNS1123_SUBDOMAIN.test(s),
    "must be a DNS-1123 subdomain (lowercase alphanumerics, '-' or '.', at most 253, start and end alphanumeric)"],
  label: [(s) => s.length <= 63 && DNS1123_LABEL.test(s),
    "must be a DNS-1123 label (lowercase alphanumerics or '-', at most 63, start and end alphanumeric)"],
  // Service names: the API server requires RFC 1035, a label starting with a letter.
  dns1035: [(s) => s.length <= 63 && DNS1035_LABEL.test(s),
    "must be a DNS-1035 label (lowercase alphanumerics or '-', at most 63, start with a letter, end alphanumeric)"],
  // IANA_SVC_NAME, what container port names (and named target ports) must be.
  port: [(s) => s.length <= 15 && /^[-a-z0-9]+$/.test(s) && /[a-z]/.test(s) && !s.includes("--") &&
    !s.startsWith("-") && !s.endsWith("-"),
    "must be an IANA_SVC_NAME (at most 15 lowercase alphanumerics or '-', at least one letter, no '--', no '-' at either end)"],
  // ConfigMap and Secret keys.
  configKey: [(s) => s.length <= 253 && CONFIG_KEY.test(s) && s !== "." && !s.startsWith(".."),
    "must be a config key (alphanumerics, '-', '_' or '.', at most 253, not '.' nor starting with '..')"],
};

function checkName(ctx, segs, value, rule) {
  if (value === undefined) return;
  const [ok, msg] = NAME_RULES[rule];
  if (typeof value !== "string" || !ok(value)) ctx.report(segs, `${JSON.stringify(value)} ${msg}`);
}

// Label and annotation keys: an optional DNS subdomain prefix and '/', then a
// name of at most 63 alphanumerics, '-', '_' or '.'.
function validQualifiedName(key) {
  const slash = key.lastIndexOf("/");
  const prefix = slash >= 0 ? key.slice(0, slash) : null;
  const name = key.slice(slash + 1);
  if (prefix !== null && !(prefix.length <= 253 && DNS1123_SUBDOMAIN.test(prefix))) return false;
  return name.length <= 63 && QUALIFIED_NAME.test(name);
}

function checkLabels(ctx, segs, labels, { values = true } = {}) {
  for (const [k, v] of Object.entries(asMap(labels))) {
    if (!validQualifiedName(k)) ctx.report([...segs, k], "key is not a valid qualified name ([prefix/]name, name at most 63 alphanumerics, '-', '_' or '.')");
    else if (values && typeof v === "string" && !(v === "" || (v.length <= 63 && QUALIFIED_NAME.test(v))))
      ctx.report([...segs, k], `label value ${JSON.stringify(v)} must be empty or at most 63 alphanumerics, '-', '_' or '.', starting and ending alphanumeric`);
  }
}

// Enum values the API server enforces. The published schemas carry most of
// these too (then the schema's message wins, same path); this table keeps
// them checked whatever schema version is installed.
function oneOf(ctx, segs, value, allowed) {
  if (value !== undefined && !allowed.includes(value)) ctx.report(segs, mustBeOneOf(allowed, value));
}
const mustBeOneOf = (allowed, value) => `must be one of ${allowed.join("|")}, not ${JSON.stringify(value)}`;

function checkPort(ctx, segs, value) {
  if (typeof value === "string") checkName(ctx, segs, value, "port");
  else if (value !== undefined && !(Number.isInteger(value) && value >= 1 && value <= 65535))
    ctx.report(segs, `port ${JSON.stringify(value)} must be between 1 and 65535`);
}

// ------------------------------------------------------- schema passes

// Model.validate() runs the ajv code compiled from the published OpenAPI
// schema and throws an ajv ValidationError whose errors carry JSON pointers.
function schemaErrors(Model, obj) {
  try {
    new Model(obj).validate();
    return [];
  } catch (e) {
    return Array.isArray(e.errors) ? e.errors : [{ instancePath: "", keyword: "", message: e.message }];
  }
}

const toPointer = (segs) => segs.map((s) => "/" + String(s).replace(/~/g, "~0").replace(/\//g, "~1")).join("");

function fromPointer(root, ptr) {
  const segs = [];
  let node = root;
  for (const raw of ptr.split("/").slice(1)) {
    const key = raw.replace(/~1/g, "/").replace(/~0/g, "~");
    const seg = Array.isArray(node) ? Number(key) : key;
    segs.push(seg);
    node = node?.[seg];
  }
  return [segs, node];
}

function schemaCheck(ctx, Model) {
  for (const err of schemaErrors(Model, ctx.obj)) {
    const [segs, value] = fromPointer(ctx.obj, err.instancePath);
    if (err.keyword === "required") ctx.report([...segs, err.params.missingProperty], "required field is missing");
    else if (err.keyword === "enum") ctx.report(segs, mustBeOneOf(err.params.allowedValues, value));
    else ctx.report(segs, err.message);
  }
}

// Strict pass: fields the schema does not know. The published schemas do not
// forbid additional properties, so validate() accepts `readinessProbe.foo`,
// and kubernetes-models ships no JSON schema to walk, only ajv's compiled
// code. So the compiled validator itself is asked, field by field: replace
// the value with a Symbol (which matches no JSON type) and validate. A field
// the schema knows then fails at exactly its own path; an unknown field does
// not fail at all. Map-typed fields (labels, data, resources.limits) are
// typed through additionalProperties, so any key of theirs is known.
const NOT_JSON = Symbol("matches no JSON type");

// Fields the compiled validators do not check at all, so the probe cannot
// see them: the model generator drops properties named `description` along
// with the schema keyword. Found by probing every field declared in the
// package's .d.ts files (kubernetes-models 4.5.1); of the kinds accepted
// here only PriorityClass.description is affected. Its type is checked here.
const UNPROBEABLE = { PriorityClass: { description: "string" } };

function unknownFields(ctx, Model) {
  const knows = (segs) => {
    const ptr = toPointer(segs);
    return schemaErrors(Model, ctx.obj).some((e) => e.instancePath === ptr);
  };
  const walk = (node, segs) => {
    if (Array.isArray(node)) return node.forEach((v, i) => walk(v, [...segs, i]));
    if (!isMap(node)) return;
    for (const key of Object.keys(node)) {
      const here = [...segs, key];
      const value = node[key];
      const blindType = segs.length === 0 ? UNPROBEABLE[ctx.obj.kind]?.[key] : undefined;
      if (blindType) {
        if (typeof value !== blindType) ctx.report(here, `must be ${blindType}`);
        continue;
      }
      node[key] = NOT_JSON;
      const known = knows(here);
      node[key] = value;
      if (!known) ctx.report(here, "unknown field");
      // Below a value the schema already rejected, every key would look unknown.
      else if (!ctx.has(here)) walk(value, here);
    }
  };
  walk(ctx.obj, []);
}

// ------------------------------------------------------ pods and workloads

// Where each workload keeps its pod template, and which pod restartPolicy
// its controller accepts (Jobs reject the default Always, so it must be set).
const POD_TEMPLATES = {
  Deployment: { at: ["spec", "template"], restart: ["Always"] },
  StatefulSet: { at: ["spec", "template"], restart: ["Always"] },
  DaemonSet: { at: ["spec", "template"], restart: ["Always"] },
  Job: { at: ["spec", "template"], restart: ["OnFailure", "Never"], required: true },
  CronJob: { at: ["spec", "jobTemplate", "spec", "template"], restart: ["OnFailure", "Never"], required: true },
};

const get = (obj, segs) => segs.reduce((node, s) => node?.[s], obj);

const PROBE_KINDS = ["readinessProbe", "livenessProbe", "startupProbe"];
const PROBE_HANDLERS = ["exec", "httpGet", "tcpSocket", "grpc"];

function checkContainer(ctx, c, segs, { init, volumeNames }) {
  checkName(ctx, [...segs, "name"], c.name, "label");
  if (!c.image) ctx.report([...segs, "image"], "required field is missing");
  oneOf(ctx, [...segs, "imagePullPolicy"], c.imagePullPolicy, ["Always", "IfNotPresent", "Never"]);
  oneOf(ctx, [...segs, "terminationMessagePolicy"], c.terminationMessagePolicy, ["File", "FallbackToLogsOnError"]);
  // restartPolicy on a container only exists to make an init container a sidecar.
  if (c.restartPolicy !== undefined) {
    if (!init) ctx.report([...segs, "restartPolicy"], "only init containers may set restartPolicy");
    else oneOf(ctx, [...segs, "restartPolicy"], c.restartPolicy, ["Always"]);
  }
  const portNames = new Set();
  asArray(c.ports).forEach((p, i) => {
    const ps = [...segs, "ports", i];
    checkPort(ctx, [...ps, "containerPort"], p?.containerPort);
    checkName(ctx, [...ps, "name"], p?.name, "port");
    if (p?.name !== undefined && portNames.has(p.name)) ctx.report([...ps, "name"], `duplicate port name ${JSON.stringify(p.name)}`);
    portNames.add(p?.name);
    oneOf(ctx, [...ps, "protocol"], p?.protocol, ["TCP", "UDP", "SCTP"]);
  });
  for (const kind of PROBE_KINDS) {
    const probe = c[kind];
    if (!isMap(probe)) continue;
    const ps = [...segs, kind];
    if (init && c.restartPolicy !== "Always") ctx.report(ps, "init containers may only have probes when restartPolicy is Always");
    const handlers = PROBE_HANDLERS.filter((h) => probe[h] != null);
    if (handlers.length !== 1)
      ctx.report(ps, `must have exactly one handler of ${PROBE_HANDLERS.join("|")}, has ${handlers.join(" and ") || "none"}`);
    if (kind !== "readinessProbe" && probe.successThreshold !== undefined && probe.successThreshold !== 1)
      ctx.report([...ps, "successThreshold"], `must be 1 for a ${kind}`);
    if (isMap(probe.httpGet)) oneOf(ctx, [...ps, "httpGet", "scheme"], probe.httpGet.scheme, ["HTTP", "HTTPS"]);
    for (const h of ["httpGet", "tcpSocket"]) {
      const port = probe[h]?.port;
      checkPort(ctx, [...ps, h, "port"], port);
      // A named probe port is resolved against this container's ports by the kubelet.
      if (typeof port === "string" && !portNames.has(port))
        ctx.report([...ps, h, "port"], `names port ${JSON.stringify(port)}, which the container does not declare`);
    }
  }
  asArray(c.volumeMounts).forEach((m, i) => {
    if (m?.name !== undefined && !volumeNames.has(m.name))
      ctx.report([...segs, "volumeMounts", i, "name"], `mounts volume ${JSON.stringify(m.name)}, which the pod does not declare`);
  });
}

function checkPodTemplate(ctx, where) {
  const spec = get(ctx.obj, [...where.at, "spec"]);
  if (!isMap(spec)) return;
  const at = [...where.at, "spec"];
  checkLabels(ctx, [...where.at, "metadata", "labels"], get(ctx.obj, [...where.at, "metadata", "labels"]));

  if (spec.restartPolicy === undefined && where.required)
    ctx.report([...at, "restartPolicy"], `must be set to ${where.restart.join(" or ")} for a ${ctx.obj.kind} (the default Always is rejected)`);
  oneOf(ctx, [...at, "restartPolicy"], spec.restartPolicy, where.restart);

  const volumeNames = new Set();
  asArray(spec.volumes).forEach((v, i) => {
    checkName(ctx, [...at, "volumes", i, "name"], v?.name, "label");
    if (volumeNames.has(v?.name)) ctx.report([...at, "volumes", i, "name"], `duplicate volume name ${JSON.stringify(v.name)}`);
    volumeNames.add(v?.name);
  });
  // A StatefulSet's claim templates become volumes of each pod.
  for (const t of asArray(ctx.obj.spec?.volumeClaimTemplates)) volumeNames.add(t?.metadata?.name);

  if (asArray(spec.containers).length === 0) ctx.report([...at, "containers"], "must have at least one container");
  const names = new Set();
  for (const list of ["initContainers", "containers"]) {
    asArray(spec[list]).forEach((c, i) => {
      if (!isMap(c)) return;
      const segs = [...at, list, i];
      if (names.has(c.name)) ctx.report([...segs, "name"], `duplicate container name ${JSON.stringify(c.name)}`);
      names.add(c.name);
      checkContainer(ctx, c, segs, { init: list === "initContainers", volumeNames });
    });
  }
}

// Label selector semantics of metav1.LabelSelector.
function selects(selector, labels) {
  labels = asMap(labels);
  for (const [k, v] of Object.entries(asMap(selector.matchLabels))) if (labels[k] !== v) return false;
  for (const { key, operator, values = [] } of asArray(selector.matchExpressions)) {
    const has = Object.hasOwn(labels, key);
    if (operator === "In" && !(has && values.includes(labels[key]))) return false;
    if (operator === "NotIn" && has && values.includes(labels[key])) return false;
    if (operator === "Exists" && !has) return false;
    if (operator === "DoesNotExist" && has) return false;
  }
  return true;
}

function checkSelector(ctx, segs, selector, templateLabels, { allowEmpty = false } = {}) {
  if (!isMap(selector)) return;
  checkLabels(ctx, [...segs, "matchLabels"], selector.matchLabels);
  asArray(selector.matchExpressions).forEach((e, i) =>
    oneOf(ctx, [...segs, "matchExpressions", i, "operator"], e?.operator, ["In", "NotIn", "Exists", "DoesNotExist"]));
  const empty = Object.keys(asMap(selector.matchLabels)).length === 0 && asArray(selector.matchExpressions).length === 0;
  if (empty && !allowEmpty) ctx.report(segs, "an empty selector is not allowed");
  else if (templateLabels !== undefined && !selects(selector, templateLabels))
    ctx.report(segs, "does not match the labels of spec.template.metadata.labels");
}

// ------------------------------------------------------------ per kind

const KIND_CHECKS = {
  Deployment(ctx) {
    const { spec } = ctx.obj;
    oneOf(ctx, ["spec", "strategy", "type"], spec?.strategy?.type, ["RollingUpdate", "Recreate"]);
    checkSelector(ctx, ["spec", "selector"], spec?.selector, spec?.template?.metadata?.labels ?? {});
  },
  StatefulSet(ctx) {
    const { spec } = ctx.obj;
    oneOf(ctx, ["spec", "updateStrategy", "type"], spec?.updateStrategy?.type, ["RollingUpdate", "OnDelete"]);
    oneOf(ctx, ["spec", "podManagementPolicy"], spec?.podManagementPolicy, ["OrderedReady", "Parallel"]);
    asArray(spec?.volumeClaimTemplates).forEach((t, i) =>
      checkName(ctx, ["spec", "volumeClaimTemplates", i, "metadata", "name"], t?.metadata?.name, "label"));
    checkSelector(ctx, ["spec", "selector"], spec?.selector, spec?.template?.metadata?.labels ?? {});
  },
  DaemonSet(ctx) {
    const { spec } = ctx.obj;
    checkSelector(ctx, ["spec", "selector"], spec?.selector, spec?.template?.metadata?.labels ?? {});
  },
  Job(ctx) {
    oneOf(ctx, ["spec", "completionMode"], ctx.obj.spec?.completionMode, ["NonIndexed", "Indexed"]);
  },
  CronJob(ctx) {
    oneOf(ctx, ["spec", "concurrencyPolicy"], ctx.obj.spec?.concurrencyPolicy, ["Allow", "Forbid", "Replace"]);
  },
  Service(ctx) {
    const spec = asMap(ctx.obj.spec);
    const type = spec.type ?? "ClusterIP";
    oneOf(ctx, ["spec", "type"], spec.type, ["ClusterIP", "NodePort", "LoadBalancer", "ExternalName"]);
    checkLabels(ctx, ["spec", "selector"], spec.selector);
    if (type === "ExternalName" && !spec.externalName) ctx.report(["spec", "externalName"], "required for type ExternalName");
    const ports = asArray(spec.ports);
    if (type !== "ExternalName" && spec.clusterIP !== "None" && ports.length === 0)
      ctx.report(["spec", "ports"], "must have at least one port (unless headless or ExternalName)");
    const names = new Set();
    ports.forEach((p, i) => {
      const ps = ["spec", "ports", i];
      // Service port names are DNS-1123 labels (not IANA_SVC_NAME), required once there are several.
      if (p?.name === undefined && ports.length > 1) ctx.report([...ps, "name"], "required when a Service has several ports");
      checkName(ctx, [...ps, "name"], p?.name, "label");
      if (p?.name !== undefined && names.has(p.name)) ctx.report([...ps, "name"], `duplicate port name ${JSON.stringify(p.name)}`);
      names.add(p?.name);
      oneOf(ctx, [...ps, "protocol"], p?.protocol, ["TCP", "UDP", "SCTP"]);
      checkPort(ctx, [...ps, "port"], p?.port);
      checkPort(ctx, [...ps, "targetPort"], p?.targetPort);
      if (p?.nodePort !== undefined && type !== "NodePort" && type !== "LoadBalancer")
        ctx.report([...ps, "nodePort"], `not allowed for type ${type}`);
    });
  },
  ConfigMap(ctx) {
    const { data, binaryData } = ctx.obj;
    for (const k of Object.keys(asMap(data))) checkName(ctx, ["data", k], k, "configKey");
    for (const k of Object.keys(asMap(binaryData))) {
      checkName(ctx, ["binaryData", k], k, "configKey");
      if (Object.hasOwn(asMap(data), k)) ctx.report(["binaryData", k], "key is also in data");
    }
  },
  Secret(ctx) {
    for (const field of ["data", "stringData"])
      for (const k of Object.keys(asMap(ctx.obj[field]))) checkName(ctx, [field, k], k, "configKey");
    for (const [k, v] of Object.entries(asMap(ctx.obj.data)))
      if (typeof v === "string" && !(v.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(v)))
        ctx.report(["data", k], "must be base64 encoded");
  },
  RoleBinding(ctx) { checkBinding(ctx); },
  ClusterRoleBinding(ctx) { checkBinding(ctx); },
  PriorityClass(ctx) {
    if (String(ctx.obj.metadata?.name).startsWith("system-")) ctx.report(["metadata", "name"], "the prefix system- is reserved");
  },
  PodDisruptionBudget(ctx) {
    const { spec } = ctx.obj;
    if (spec?.minAvailable !== undefined && spec?.maxUnavailable !== undefined)
      ctx.report(["spec", "maxUnavailable"], "minAvailable and maxUnavailable cannot both be set");
    // In policy/v1 an empty selector is valid: it selects every pod of the namespace.
    checkSelector(ctx, ["spec", "selector"], spec?.selector, undefined, { allowEmpty: true });
  },
};

function checkBinding(ctx) {
  const { roleRef, subjects } = ctx.obj;
  const kinds = ctx.obj.kind === "RoleBinding" ? ["Role", "ClusterRole"] : ["ClusterRole"];
  oneOf(ctx, ["roleRef", "kind"], roleRef?.kind, kinds);
  oneOf(ctx, ["roleRef", "apiGroup"], roleRef?.apiGroup, ["rbac.authorization.k8s.io"]);
  asArray(subjects).forEach((s, i) => {
    oneOf(ctx, ["subjects", i, "kind"], s?.kind, ["ServiceAccount", "User", "Group"]);
    if (s?.kind === "ServiceAccount") {
      checkName(ctx, ["subjects", i, "name"], s.name, "subdomain");
      if (s.apiGroup) ctx.report(["subjects", i, "apiGroup"], "must be empty for a ServiceAccount");
    }
  });
}

function checkObject(ctx) {
  const { obj } = ctx;
  const Model = MODELS.get(`${obj.apiVersion}/${obj.kind}`);
  if (!Model) {
    ctx.report(["apiVersion"], `unknown apiVersion/kind: ${obj.apiVersion} ${obj.kind}`);
    return;
  }
  schemaCheck(ctx, Model);
  unknownFields(ctx, Model);

  const meta = asMap(obj.metadata);
  // kustomize and kubectl apply need a fixed name; generateName is not enough.
  if (meta.name === undefined) ctx.report(["metadata", "name"], "required field is missing");
  checkName(ctx, ["metadata", "name"], meta.name, obj.kind === "Service" ? "dns1035" : obj.kind === "Namespace" ? "label" : "subdomain");
  checkName(ctx, ["metadata", "namespace"], meta.namespace, "label");
  checkLabels(ctx, ["metadata", "labels"], meta.labels);
  checkLabels(ctx, ["metadata", "annotations"], meta.annotations, { values: false });

  if (POD_TEMPLATES[obj.kind]) checkPodTemplate(ctx, POD_TEMPLATES[obj.kind]);
  KIND_CHECKS[obj.kind]?.(ctx);
}

// Checks between the objects of one directory: what the API server would
// accept but what would leave the exported application broken.
function checkReferences(ctxs) {
  const ns = (o) => o.metadata?.namespace ?? "";
  const find = (kind, name, namespace) =>
    ctxs.find(({ obj }) => obj.kind === kind && obj.metadata?.name === name && (namespace === undefined || ns(obj) === namespace));
  const templates = ctxs.flatMap(({ obj }) => {
    const where = POD_TEMPLATES[obj.kind];
    return where ? [{ ns: ns(obj), template: get(obj, where.at) }] : [];
  });
  const ids = new Set();
  for (const ctx of ctxs) {
    const { obj } = ctx;
    const id = `${obj.apiVersion}/${obj.kind}/${ns(obj)}/${obj.metadata?.name}`;
    if (ids.has(id)) ctx.report(["metadata", "name"], "another object of the same kind has this name");
    ids.add(id);
    if (obj.kind === "Service" && isMap(obj.spec?.selector) && Object.keys(obj.spec.selector).length > 0 &&
        !templates.some((t) => t.ns === ns(obj) && selects({ matchLabels: obj.spec.selector }, t.template?.metadata?.labels)))
      ctx.report(["spec", "selector"], "selects no pod template of this directory");
    if (obj.kind === "RoleBinding" && obj.roleRef?.kind === "Role" && !find("Role", obj.roleRef.name, ns(obj)))
      ctx.report(["roleRef", "name"], `Role ${JSON.stringify(obj.roleRef.name)} is not in this directory`);
    const where = POD_TEMPLATES[obj.kind];
    const sa = where && get(obj, [...where.at, "spec", "serviceAccountName"]);
    if (sa && sa !== "default" && !find("ServiceAccount", sa, ns(obj)))
      ctx.report([...where.at, "spec", "serviceAccountName"], `ServiceAccount ${JSON.stringify(sa)} is not in this directory`);
  }
}

// --------------------------------------------------------- kustomization

const KUSTOMIZATION = "kustomization.yaml";
const GENERATOR_KEYS = ["name", "namespace", "behavior", "literals", "files", "envs", "options"];
const OPTION_KEYS = ["labels", "annotations", "disableNameSuffixHash", "immutable"];

// Reports keys outside `allowed`; true if `value` is a mapping at all.
function knownKeys(ctx, segs, value, allowed) {
  if (!isMap(value)) {
    ctx.report(segs, "must be a mapping");
    return false;
  }
  for (const k of Object.keys(value)) if (!allowed.includes(k)) ctx.report([...segs, k], "unknown field (not checked by this validator)");
  return true;
}

function stringList(ctx, segs, value) {
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string" || v === "")) {
    ctx.report(segs, "must be a list of non-empty strings");
    return [];
  }
  return value;
}

// A path the kustomization names must be a file inside its own directory.
function checkLocalFile(ctx, segs, dir, rel) {
  if (path.isAbsolute(rel) || path.normalize(rel).startsWith("..")) ctx.report(segs, `${rel} is outside the directory`);
  else {
    const stat = fs.statSync(path.join(dir, rel), { throwIfNoEntry: false });
    if (!stat) ctx.report(segs, `${rel} does not exist`);
    else if (!stat.isFile()) ctx.report(segs, `${rel} is not a file`);
  }
}

function checkKustomization(file, obj, yamlFiles) {
  const ctx = new Ctx(file, obj);
  const dir = path.dirname(file);
  if (!knownKeys(ctx, [], obj, ["apiVersion", "kind", "resources", "namespace", "commonLabels", "labels",
    "namePrefix", "configMapGenerator", "secretGenerator", "generatorOptions"])) return;
  oneOf(ctx, ["apiVersion"], obj.apiVersion, ["kustomize.config.k8s.io/v1beta1"]);
  oneOf(ctx, ["kind"], obj.kind, ["Kustomization"]);
  checkName(ctx, ["namespace"], obj.namespace, "label");
  if (obj.namePrefix !== undefined && !(typeof obj.namePrefix === "string" && /^[a-z0-9][-a-z0-9.]*$/.test(obj.namePrefix)))
    ctx.report(["namePrefix"], "must start with a lowercase alphanumeric and hold only lowercase alphanumerics, '-' or '.'");
  if (obj.commonLabels !== undefined && !isMap(obj.commonLabels)) ctx.report(["commonLabels"], "must be a mapping");
  checkLabels(ctx, ["commonLabels"], obj.commonLabels);
  if (obj.labels !== undefined) {
    if (!Array.isArray(obj.labels)) ctx.report(["labels"], "must be a list");
    asArray(obj.labels).forEach((l, i) => {
      if (!knownKeys(ctx, ["labels", i], l, ["pairs", "includeSelectors", "includeTemplates"])) return;
      if (!isMap(l.pairs)) ctx.report(["labels", i, "pairs"], "must be a mapping of labels");
      checkLabels(ctx, ["labels", i, "pairs"], l.pairs);
    });
  }
  const checkOptions = (segs, o) => {
    if (o !== undefined && knownKeys(ctx, segs, o, OPTION_KEYS)) {
      checkLabels(ctx, [...segs, "labels"], o.labels);
      checkLabels(ctx, [...segs, "annotations"], o.annotations, { values: false });
    }
  };
  checkOptions(["generatorOptions"], obj.generatorOptions);

  // Files read by generators are inputs, not resources.
  const generatorInputs = new Set();
  for (const gen of ["configMapGenerator", "secretGenerator"]) {
    if (obj[gen] === undefined) continue;
    if (!Array.isArray(obj[gen])) ctx.report([gen], "must be a list");
    asArray(obj[gen]).forEach((g, i) => {
      const segs = [gen, i];
      if (!knownKeys(ctx, segs, g, gen === "secretGenerator" ? [...GENERATOR_KEYS, "type"] : GENERATOR_KEYS)) return;
      if (g.name === undefined) ctx.report([...segs, "name"], "required field is missing");
      checkName(ctx, [...segs, "name"], g.name, "subdomain");
      checkName(ctx, [...segs, "namespace"], g.namespace, "label");
      oneOf(ctx, [...segs, "behavior"], g.behavior, ["create", "replace", "merge"]);
      if (g.literals !== undefined) stringList(ctx, [...segs, "literals"], g.literals).forEach((lit, j) =>
        checkName(ctx, [...segs, "literals", j], lit.includes("=") ? lit.slice(0, lit.indexOf("=")) : lit, "configKey"));
      for (const key of ["files", "envs"]) {
        if (g[key] === undefined) continue;
        stringList(ctx, [...segs, key], g[key]).forEach((entry, j) => {
          // files entries may be `key=path`.
          const rel = key === "files" && entry.includes("=") ? entry.slice(entry.indexOf("=") + 1) : entry;
          generatorInputs.add(path.normalize(rel));
          checkLocalFile(ctx, [...segs, key, j], dir, rel);
        });
      }
      checkOptions([...segs, "options"], g.options);
    });
  }

  const listed = new Set();
  if (obj.resources !== undefined) {
    stringList(ctx, ["resources"], obj.resources).forEach((rel, i) => {
      if (listed.has(path.normalize(rel))) ctx.report(["resources", i], `${rel} is listed twice`);
      listed.add(path.normalize(rel));
      checkLocalFile(ctx, ["resources", i], dir, rel);
    });
  }
  for (const f of yamlFiles) {
    const rel = path.relative(dir, f);
    if (rel.startsWith("..") || isKustomizationFile(f) || generatorInputs.has(rel)) continue;
    if (!listed.has(rel)) ctx.report(["resources"], `${rel} is not listed`, { once: false });
  }
}

// ------------------------------------------------------------------ files

const isKustomizationFile = (f) => ["kustomization.yaml", "kustomization.yml"].includes(path.basename(f));

function listYamlFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listYamlFiles(full));
    else if (/\.ya?ml$/.test(entry.name)) out.push(full);
  }
  return out;
}

// YAML 1.1 because the API server's decoder (sigs.k8s.io/yaml, on go-yaml)
// reads 1.1: there an unquoted `on` or `yes` is a boolean and `0644` is
// octal. Parsing the same way turns such slips into schema type errors.
function readDocuments(file) {
  const docs = [];
  for (const doc of parseAllDocuments(fs.readFileSync(file, "utf8"), { version: "1.1" })) {
    if (doc.errors.length) {
      for (const e of doc.errors) fileProblem(file, `YAML: ${e.message.split("\n")[0]}`);
      continue;
    }
    const value = doc.toJS({ maxAliasCount: 100 });
    if (!isMap(value)) fileProblem(file, value == null ? "empty YAML document" : "YAML document is not a mapping");
    else docs.push(value);
  }
  return docs;
}

function main(dirs) {
  if (dirs.length === 0) {
    console.error("usage: node validate.mjs DIR...");
    process.exit(2);
  }
  let objects = 0;
  let files = 0;
  for (const dir of dirs) {
    if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) {
      fileProblem(dir, "not a directory");
      continue;
    }
    const yamlFiles = listYamlFiles(dir);
    const ctxs = [];
    for (const file of yamlFiles) {
      files++;
      const before = problems.length;
      const docs = readDocuments(file);
      if (isKustomizationFile(file)) {
        if (docs.length !== 1) fileProblem(file, "must hold exactly one document");
        else checkKustomization(file, docs[0], yamlFiles);
        continue;
      }
      if (docs.length === 0 && problems.length === before) fileProblem(file, "holds no object");
      for (const obj of docs) {
        const ctx = new Ctx(file, obj);
        checkObject(ctx);
        ctxs.push(ctx);
        objects++;
      }
    }
    // The exporter always writes one; without it `kubectl apply -k` has nothing to read.
    if (!["kustomization.yaml", "kustomization.yml"].some((k) => fs.existsSync(path.join(dir, k))))
      fileProblem(path.join(dir, KUSTOMIZATION), "missing");
    checkReferences(ctxs.filter((c) => MODELS.has(`${c.obj.apiVersion}/${c.obj.kind}`)));
  }
  if (problems.length) {
    problems.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    for (const [, line] of problems) console.log(line);
    process.exit(1);
  }
  console.log(`ok: ${objects} objects in ${files} files`);
}

main(process.argv.slice(2));
