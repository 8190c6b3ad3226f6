# Argo CD on the cluster, and the root "stack" Application of the app-of-apps in deploy/:
# Terraform installs Argo CD once and hands it the environment's facts; everything on the
# cluster after that (External Secrets, the Cloud SQL proxy, ZenML, MLflow, the HTTPS ingress)
# is synced by Argo CD from git.

locals {
  namespace = "argocd"

  # The facts the deploy/stack chart renders the apps from (deploy/stack/values.yaml).
  stack_values = {
    projectId              = var.project_id
    region                 = var.region
    domain                 = trimsuffix(var.domain, ".")
    ingressAddressName     = var.ingress_address_name
    instanceConnectionName = var.sql_connection_name
    dbSecret               = var.db_secret_id
    artifactBucket         = var.artifact_bucket_name
    namespace              = var.apps_namespace
    externalSecretsGsa     = google_service_account.external_secrets.email
    workloadGsa            = var.workload_service_accounts
    gitRepo                = var.repo_url
    gitRevision            = var.revision
  }

  root_application = {
    apiVersion = "argoproj.io/v1alpha1"
    kind       = "Application"
    metadata = {
      name       = "stack"
      namespace  = local.namespace
      finalizers = ["resources-finalizer.argocd.argoproj.io"]
    }
    spec = {
      project = "default"
      source = {
        repoURL        = var.repo_url
        targetRevision = var.revision
        path           = "deploy/stack"
        helm           = { valuesObject = local.stack_values }
      }
      destination = { server = "https://kubernetes.default.svc", namespace = local.namespace }
      syncPolicy = {
        automated   = { prune = true, selfHeal = true }
        syncOptions = ["CreateNamespace=true"]
      }
    }
  }
}

# The Argo CD API is reachable only inside the VPC, on this fixed internal address; the
# control plane registers it in Service Directory for Cloud Workflows.
resource "google_compute_address" "argocd" {
  project      = var.project_id
  region       = var.region
  name         = "${var.name_prefix}-argocd-ilb"
  address_type = "INTERNAL"
  subnetwork   = var.subnetwork_id
  labels       = var.labels
}

# argocd_host resolves inside the VPC (nodes, VPN clients with DNS forwarding) to the internal
# address: a private zone holding exactly that name.
resource "google_dns_managed_zone" "argocd" {
  project     = var.project_id
  name        = "${var.name_prefix}-argocd-private"
  dns_name    = "${var.argocd_host}."
  description = "Private name of the Argo CD API (${var.name_prefix})."
  visibility  = "private"
  labels      = var.labels

  private_visibility_config {
    networks {
      network_url = var.network_id
    }
  }
}

resource "google_dns_record_set" "argocd" {
  project      = var.project_id
  managed_zone = google_dns_managed_zone.argocd.name
  name         = "${var.argocd_host}."
  type         = "A"
  ttl          = 300
  rrdatas      = [google_compute_address.argocd.address]
}

# External Secrets Operator copies the apps' secrets from Secret Manager into Kubernetes
# Secrets; its Kubernetes service account acts as this account through Workload Identity.
resource "google_service_account" "external_secrets" {
  project      = var.project_id
  account_id   = "${var.name_prefix}-eso"
  display_name = "External Secrets Operator (${var.name_prefix})"
  description  = "Reads the apps' secrets from Secret Manager for the External Secrets Operator."
}

resource "google_service_account_iam_member" "external_secrets_wi" {
  service_account_id = google_service_account.external_secrets.name
  role               = "roles/iam.workloadIdentityUser"
  member             = "serviceAccount:${var.project_id}.svc.id.goog[external-secrets/external-secrets]"
}

resource "google_secret_manager_secret_iam_member" "external_secrets" {
  for_each = var.app_secret_ids

  project   = var.project_id
  secret_id = each.value
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.external_secrets.member
}

resource "helm_release" "argocd" {
  name             = "argocd"
  namespace        = local.namespace
  create_namespace = true
  repository       = "https://argoproj.github.io/argo-helm"
  chart            = "argo-cd"
  version          = var.argocd_chart_version
  atomic           = true
  timeout          = 900

  values = [yamlencode({
    global = { domain = var.argocd_host }
    configs = {
      cm = {
        # The control plane's account: an API key only, no UI login.
        "accounts.control-plane" = "apiKey"
        "admin.enabled"          = "true"
      }
      rbac = {
        "policy.default" = "role:readonly"
        # Only what workflows/redeploy.yaml calls: read and sync the apps.
        "policy.csv" = join("\n", [
          "p, control-plane, applications, get, default/*, allow",
          "p, control-plane, applications, sync, default/*, allow",
        ])
      }
      repositories = {
        zenml-oci = { name = "zenml", type = "helm", url = "public.ecr.aws/zenml", enableOCI = "true" }
      }
    }
    server = {
      service = {
        type           = "LoadBalancer"
        loadBalancerIP = google_compute_address.argocd.address
        annotations    = { "networking.gke.io/load-balancer-type" = "Internal" }
      }
    }
    extraObjects = var.repo_url == "" ? [] : [local.root_application]
  })]
}
