#!/usr/bin/env bash
# Rolls the API and the worker of one environment back to their previous revision and waits for it.
# Usage: rollback.sh staging|production (KUBECONFIG_DATA, when set, is written to a kubeconfig file first).
set -euo pipefail
environment=${1:?usage: rollback.sh staging|production}
namespace="billing-${environment}"

if [ -n "${KUBECONFIG_DATA:-}" ]; then
  export KUBECONFIG="$(mktemp)"
  printf '%s' "$KUBECONFIG_DATA" > "$KUBECONFIG"
fi

for deployment in billing-api billing-worker; do
  kubectl -n "$namespace" rollout undo "deployment/${deployment}"
done
for deployment in billing-api billing-worker; do
  kubectl -n "$namespace" rollout status "deployment/${deployment}" --timeout=600s
done
kubectl -n "$namespace" get deployments -o wide
