// Package zendesktest is a stateful fake of the Zendesk Support API's user
// identity endpoints, and of the user endpoints that find users (show,
// show_many by ids or external ids, search), for tests and demos of the
// Terraform provider.
//
// The fake keeps users and identities in memory and enforces the same rules
// Zendesk does: primary flags per identity type, account-wide unique values,
// value validation, verification state, deleted and suspended users, both
// pagination styles, API-token and OAuth authentication with scopes, and the
// /oauth/tokens client-credentials exchange. On top of that it offers what a
// real account cannot: a rate limit with a controllable clock, fault
// injection (errors, latency, dropped connections, failures that happen after
// the change was committed, writes acknowledged but not applied, and
// redirects) and a log of every request it
// answered.
//
// Where Zendesk's docs leave a rule open, the fake picks one way, says so,
// and offers an Options switch, off by default, for the other: how the rate
// limit is counted, an account that formats or validates phone numbers, a
// list that refuses undocumented type[] filters, a host that answers every
// path with an HTML 404 page instead of the API, near matches and index lag
// of the user search, duplicate external ids, include_deleted.
//
// A Server is safe for concurrent use. Its model types and JSON encoding are
// its own, deliberately independent of the provider's API client, so a
// serialization bug on one side cannot be masked by the same bug on the other.
//
// Start one per test with NewTest, point the code under test at URL, seed and
// inspect state with the store methods (AddUser, AddIdentity, Identities, ...)
// and assert on traffic with Requests, Count and CountStatus.
package zendesktest
