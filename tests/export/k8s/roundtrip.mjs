#!/usr/bin/env node
// The round trip of `lineup export kubernetes`: rebuild the dependency
// graph from what the manifests actually do (each workload's init
// containers and the targets they wait on) and compare it, edge by edge,
// with `lineup plan --format json` of the same file.
//
//   node roundtrip.mjs DIR PLAN.json
//
// An edge is (dependent, dependency, completed?, required?): `completed`
// when the init container waits for a Job (kubernetes-job://), `required`
// unless the wait is allowed to fail (`... || true`). Every target must
// name a Service or Job of DIR, and its init container must be named after
// that dependency. Exit 1 with one line per difference.
import fs from "node:fs";
import path from "node:path";
import { parseAllDocuments } from "yaml";

const [dir, planFile] = process.argv.slice(2);
if (!dir || !planFile) {
  console.error("usage: node roundtrip.mjs DIR PLAN.json");
  process.exit(2);
}

// lineup's dns_label(): what a service name becomes in Kubernetes.
const label = (name) =>
  name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+/, "")
    .slice(0, 63)
    .replace(/-+$/, "");

const objects = [];
for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".yaml") && f !== "kustomization.yaml"))
  for (const doc of parseAllDocuments(fs.readFileSync(path.join(dir, file), "utf8"))) objects.push(doc.toJS());

const services = new Set(objects.filter((o) => o.kind === "Service").map((o) => o.metadata.name));
const jobs = new Set(objects.filter((o) => o.kind === "Job").map((o) => o.metadata.name));
const workloads = new Set(objects.filter((o) => ["Deployment", "StatefulSet", "Job"].includes(o.kind)).map((o) => `${o.kind.toLowerCase()}/${o.metadata.name}`));
const problems = [];

// The host a `lineup wait` target connects to, or the Job it waits for.
function waitsOn(target) {
  const api = target.match(/^kubernetes-(job|deployment|statefulset):\/\/[^/]+\/(.+)$/);
  if (api) return { name: api[2], job: api[1] === "job", workload: api[1] };
  const url = target.match(/^[a-z]+:\/\/(?:[^@/]*@)?(\[[^\]]*\]|[^:/?#]+)/);
  return { name: url ? url[1] : target, job: false };
}

const exported = new Set();
for (const o of objects.filter((o) => ["Deployment", "StatefulSet", "Job", "CronJob"].includes(o.kind))) {
  const pod = o.kind === "CronJob" ? o.spec.jobTemplate.spec.template.spec : o.spec.template.spec;
  for (const c of pod.initContainers ?? []) {
    let argv = c.command ?? [];
    let required = true;
    if (argv[0] === "/bin/sh" && argv[1] === "-c" && / \|\| true$/.test(argv[2])) {
      required = false;
      argv = argv[2].replace(/ \|\| true$/, "").split(" ").map((w) => w.replace(/^'|'$/g, ""));
    }
    if (argv[0] !== "lineup" || argv[1] !== "wait") {
      problems.push(`${o.kind}/${o.metadata.name}: init container ${c.name} does not run lineup wait`);
      continue;
    }
    const targets = argv.slice(2).filter((a, i, all) => a !== "--timeout" && all[i - 1] !== "--timeout");
    if (targets.length === 0) problems.push(`${o.kind}/${o.metadata.name}: ${c.name} waits for nothing`);
    const dependency = c.name.replace(/^wait-/, "");
    let completed = false;
    for (const t of targets) {
      const on = waitsOn(t);
      if (on.workload && !workloads.has(`${on.workload}/${on.name}`))
        problems.push(`${o.metadata.name}: ${c.name} waits for ${on.workload} ${on.name}, not exported`);
      if (on.workload && on.name !== dependency) problems.push(`${o.metadata.name}: ${c.name} waits for ${on.name}`);
      if (on.job) {
        completed = true;
        if (!jobs.has(on.name)) problems.push(`${o.metadata.name}: ${c.name} waits for Job ${on.name}, not exported`);
        if (on.name !== dependency) problems.push(`${o.metadata.name}: ${c.name} waits for Job ${on.name}`);
      } else if (!on.workload && !services.has(on.name)) {
        problems.push(`${o.metadata.name}: ${c.name} waits on ${t}: ${on.name} is no Service of the export`);
      }
    }
    exported.add(`${o.metadata.name} -> ${dependency} completed=${completed} required=${required}`);
  }
}

const plan = JSON.parse(fs.readFileSync(planFile, "utf8"));
// The plan names each replica (worker-1, worker-2); the export has one workload with replicas.
const base = (name) => (plan.replica_of && plan.replica_of[name]) || name;
const planned = new Set(
  plan.edges.map(
    (e) =>
      `${label(base(e.from))} -> ${label(base(e.to))} completed=${e.condition === "completed" || e.condition === "exited"} required=${e.required}`,
  ),
);
for (const e of planned) if (!exported.has(e)) problems.push(`missing in the export: ${e}`);
for (const e of exported) if (!planned.has(e)) problems.push(`not in the plan: ${e}`);

for (const p of problems) console.log(p);
if (problems.length) process.exit(1);
console.log(`ok: ${planned.size} edges, the same in the plan and in the export`);
