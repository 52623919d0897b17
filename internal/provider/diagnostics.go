package provider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesk"
)

// errorDetail explains a failed call to Zendesk for a diagnostic: the
// request, Zendesk's status, error, description and every detail, and what
// the user can do about it.
func errorDetail(err error) string {
	if errors.Is(err, context.Canceled) {
		return err.Error() + "\n\nThe operation was interrupted before it completed."
	}
	var waited *zendesk.RateLimitWaitError
	if errors.As(err, &waited) {
		detail := err.Error()
		if waited.Answer != nil {
			detail = describeAPIError(waited.Answer)
		}
		return detail + fmt.Sprintf("\n\nThe request was not sent again: this run's requests had waited %s in all for the "+
			"account's rate limit, the most that max_rate_limit_wait allows (%s). Other integrations share the limit. Run again "+
			"when they spend less of it, or raise max_rate_limit_wait; a run that stops here leaves nothing behind that Terraform "+
			"does not know of.", waited.Waited.Round(time.Second), waited.Limit)
	}
	var apiErr *zendesk.APIError
	if !errors.As(err, &apiErr) {
		if zendesk.IsTokenExchange(err) {
			return err.Error() + "\n\nThe provider could not reach Zendesk to obtain an OAuth access token with oauth_client_id and " +
				"oauth_client_secret. Check the network and the account URL."
		}
		var reqErr *zendesk.RequestError
		if errors.As(err, &reqErr) {
			return err.Error() + "\n\nZendesk could not be reached, or the connection dropped. Check the network and the account URL; " +
				"reads, updates and deletes were retried up to max_retries times."
		}
		return err.Error()
	}
	detail := describeAPIError(apiErr)
	if hint := statusHint(apiErr); hint != "" {
		detail += "\n\n" + hint
	}
	return detail
}

// describeAPIError shows what Zendesk answered: the request, the status,
// Zendesk's error, description and every detail.
func describeAPIError(apiErr *zendesk.APIError) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Zendesk answered %s %s with HTTP %d %s", apiErr.Method, apiErr.Path, apiErr.StatusCode, http.StatusText(apiErr.StatusCode))
	if apiErr.Attempts > 1 {
		fmt.Fprintf(&b, " (%d attempts, the last answer shown)", apiErr.Attempts)
	}
	b.WriteString(".")
	if apiErr.Code != "" {
		fmt.Fprintf(&b, "\nError: %s", apiErr.Code)
	}
	if apiErr.Description != "" {
		fmt.Fprintf(&b, "\nDescription: %s", apiErr.Description)
	}
	if lines := apiErr.DetailLines(); len(lines) > 0 {
		b.WriteString("\nDetails:")
		for _, line := range lines {
			fmt.Fprintf(&b, "\n  - %s", line)
		}
	}
	if apiErr.Body != "" {
		fmt.Fprintf(&b, "\nBody: %s", apiErr.Body)
	}
	return b.String()
}

func statusHint(e *zendesk.APIError) string {
	if zendesk.IsTokenExchange(e) {
		return tokenExchangeHint(e)
	}
	switch {
	case e.RetryAfter > zendesk.MaxRetryAfter:
		return fmt.Sprintf("Zendesk asked to wait %s before trying again, longer than the provider waits (%s): run again later.",
			e.RetryAfter, zendesk.MaxRetryAfter)
	case e.StatusCode == http.StatusUnauthorized:
		return "Zendesk did not accept the credentials. Check email and api_token, oauth_token, or oauth_client_id and oauth_client_secret " +
			"(and the ZENDESK_* environment variables that stand in for them). An OAuth access token may have expired or been revoked: " +
			"the provider renews the tokens it obtains with client credentials, but uses an oauth_token as it is."
	case e.StatusCode == http.StatusForbidden:
		return "The credentials are valid but not allowed to do this. An OAuth token needs the broad \"read write\" scope " +
			"(the identities API refuses tokens scoped users:read or users:write only): with client credentials, leave oauth_scopes " +
			"out or include \"read\" and \"write\" in it. The agent behind the credentials must also be allowed to manage users."
	case e.StatusCode == http.StatusTooManyRequests:
		return "The account's API rate limit was exceeded. Other integrations share the limit: run again later."
	case e.StatusCode >= 500:
		return "Zendesk failed to process the request. Run again later; if it persists, check https://status.zendesk.com."
	}
	return ""
}

// tokenExchangeHint explains a failed exchange of the OAuth client
// credentials for an access token.
func tokenExchangeHint(e *zendesk.APIError) string {
	const prefix = "The provider could not obtain an OAuth access token with oauth_client_id and oauth_client_secret. "
	switch {
	case e.StatusCode == http.StatusUnauthorized || e.Code == "invalid_client":
		return prefix + "Zendesk did not accept the client: check oauth_client_id (the OAuth client's unique identifier) and " +
			"oauth_client_secret (or ZENDESK_OAUTH_CLIENT_ID and ZENDESK_OAUTH_CLIENT_SECRET) against Admin Center, Apps and integrations, " +
			"APIs, OAuth clients. A regenerated secret replaces the old one."
	case e.StatusCode == http.StatusBadRequest || e.StatusCode == http.StatusForbidden:
		return prefix + "Zendesk refused the token request: check oauth_scopes (space-free scopes such as \"read\" and \"write\") and " +
			"oauth_token_lifetime (300 to 172800 seconds), and that the OAuth client may use the client credentials grant."
	case e.StatusCode == http.StatusTooManyRequests || e.StatusCode >= 500:
		return prefix + "Zendesk failed to issue it. Run again later; if it persists, check https://status.zendesk.com."
	}
	return prefix + "Check the OAuth client in Admin Center, Apps and integrations, APIs, OAuth clients."
}
