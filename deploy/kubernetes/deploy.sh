#!/usr/bin/env bash
# Deploys one overlay with one image tag: migration Job first (replaced, Jobs are immutable), then the API and the
# worker; waits for the rollouts and rolls back both Deployments if either fails. Usage: deploy.sh ENV TAG
# (KUBECONFIG_DATA, when set, is written to a kubeconfig file first: that is how CI passes it).
set -euo pipefail
environment=${1:?usage: deploy.sh staging|production TAG}
tag=${2:?usage: deploy.sh staging|production TAG}
namespace="billing-${environment}"
image="${IMAGE:-ghcr.io/example/billing-service}"
cd "$(dirname "$0")"

if [ -n "${KUBECONFIG_DATA:-}" ]; then
  export KUBECONFIG="$(mktemp)"
  printf '%s' "$KUBECONFIG_DATA" > "$KUBECONFIG"
fi

rendered="$(mktemp)"
kubectl kustomize "overlays/${environment}" | sed "s#image: ghcr.io/example/billing-service:${environment}#image: ${image}:${tag}#" > "$rendered"

echo "== migrations (${image}:${tag})"
kubectl -n "$namespace" delete job billing-service-migrate --ignore-not-found --wait=true
kubectl -n "$namespace" apply -f "$rendered" --selector app.kubernetes.io/component=migration
kubectl -n "$namespace" wait --for=condition=complete job/billing-service-migrate --timeout=600s

echo "== API and worker"
kubectl -n "$namespace" apply -f "$rendered"
if ! kubectl -n "$namespace" rollout status deployment/billing-api --timeout=600s ||
  ! kubectl -n "$namespace" rollout status deployment/billing-worker --timeout=600s; then
  echo "== rollout failed: rolling back" >&2
  kubectl -n "$namespace" rollout undo deployment/billing-api
  kubectl -n "$namespace" rollout undo deployment/billing-worker
  exit 1
fi
echo "== ${environment} runs ${image}:${tag}"
