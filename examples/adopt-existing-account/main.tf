# The configuration that terraform query runs beside: the provider, with
# the account and credentials from ZENDESK_* environment variables.
terraform {
  required_version = ">= 1.14"

  required_providers {
    zendesk = {
      source = "tfzendesk/zendesk"
    }
  }
}

provider "zendesk" {}
