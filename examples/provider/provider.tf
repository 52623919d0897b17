terraform {
  required_providers {
    zendesk = {
      source  = "tfzendesk/zendesk"
      version = "~> 0.1"
    }
  }
}

# With no arguments, the account and the credentials come from the
# environment:
#
#   export ZENDESK_SUBDOMAIN=acme      # or ZENDESK_URL=https://support.acme.com
#   export ZENDESK_EMAIL=admin@acme.example
#   export ZENDESK_API_TOKEN=...
#
# or, instead of the email and the API token, ZENDESK_OAUTH_TOKEN, or
# ZENDESK_OAUTH_CLIENT_ID and ZENDESK_OAUTH_CLIENT_SECRET.
provider "zendesk" {}
