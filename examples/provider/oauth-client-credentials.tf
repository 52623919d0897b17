terraform {
  required_providers {
    zendesk = {
      source  = "tfzendesk/zendesk"
      version = "~> 0.1"
    }
  }
}

# OAuth client credentials, for pipelines that run without a person's token.
# The provider exchanges the client's id and secret for an access token and
# renews the token before it expires, however long the run takes.
#
# The pipeline supplies the account and the client from its secret store, so
# nothing secret is written in the configuration:
#
#   export ZENDESK_SUBDOMAIN=acme
#   export ZENDESK_OAUTH_CLIENT_ID=terraform-ci
#   export ZENDESK_OAUTH_CLIENT_SECRET=...      # the client's secret
#   terraform apply -input=false -auto-approve
#
# In GitHub Actions, for example:
#
#   - run: terraform apply -input=false -auto-approve
#     env:
#       ZENDESK_SUBDOMAIN: acme
#       ZENDESK_OAUTH_CLIENT_ID: ${{ vars.ZENDESK_OAUTH_CLIENT_ID }}
#       ZENDESK_OAUTH_CLIENT_SECRET: ${{ secrets.ZENDESK_OAUTH_CLIENT_SECRET }}
#
# Setting an OAuth argument here also makes the provider ignore any
# ZENDESK_API_TOKEN or ZENDESK_OAUTH_TOKEN left in the pipeline's environment.
provider "zendesk" {
  # The identities API needs the broad read and write scopes (the default).
  oauth_scopes = ["read", "write"]

  # Each access token lives one hour (the default); 300 to 172800 seconds.
  oauth_token_lifetime = 3600
}
