package zendesk

import (
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"time"
)

// maxErrorBody bounds how much of a non-JSON error body is kept for messages.
const maxErrorBody = 512

// APIError is an answer from Zendesk with a status other than 2xx.
type APIError struct {
	// Method and Path name the request, e.g. "POST /api/v2/users/1/identities".
	Method string
	Path   string
	// StatusCode is the HTTP status Zendesk answered with.
	StatusCode int
	// Code is Zendesk's "error" field, e.g. "RecordInvalid" or "invalid_token".
	Code string
	// Description is Zendesk's "description" (or "error_description", or the
	// "message" of an error object).
	Description string
	// Details holds Zendesk's per-field validation errors, keyed by field.
	Details map[string][]ErrorDetail
	// Body is the raw body, kept (truncated) when it was not a JSON error,
	// and ContentType its media type, such as "text/html": what answered
	// may not be Zendesk's API at all (a proxy, a host that serves no
	// account).
	Body        string
	ContentType string
	// Location is where a redirect (3xx) pointed. The client never follows
	// one: it would carry the credentials to another address.
	Location string
	// RetryAfter is the wait Zendesk asked for in its Retry-After header,
	// and HasRetryAfter whether the answer carried one that could be read
	// (it may ask for no wait at all). A 503 with one says that Zendesk did
	// not process the request; without one, it may come from a proxy in
	// front of Zendesk after the request got through (see OutcomeUnknown).
	RetryAfter    time.Duration
	HasRetryAfter bool
	// Attempts is how many times the request was sent before giving up.
	Attempts int
}

// ErrorDetail is one entry of a Zendesk validation error.
type ErrorDetail struct {
	Error       string `json:"error"`
	Description string `json:"description"`
}

// Error renders the status, Zendesk's error, description and every detail.
func (e *APIError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s: HTTP %d %s", e.Method, e.Path, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Attempts > 1 {
		fmt.Fprintf(&b, " (after %d attempts)", e.Attempts)
	}
	if e.Location != "" {
		fmt.Fprintf(&b, " to %s, a redirect the client does not follow", e.Location)
		return b.String()
	}
	switch {
	case e.Code != "" && e.Description != "":
		fmt.Fprintf(&b, ": %s: %s", e.Code, e.Description)
	case e.Code != "":
		fmt.Fprintf(&b, ": %s", e.Code)
	case e.Description != "":
		fmt.Fprintf(&b, ": %s", e.Description)
	case e.Body != "":
		fmt.Fprintf(&b, ": %s", e.Body)
	}
	for _, line := range e.DetailLines() {
		fmt.Fprintf(&b, "; %s", line)
	}
	return b.String()
}

// DetailLines renders each validation detail as "field: Error: Description",
// sorted by field so messages are stable.
func (e *APIError) DetailLines() []string {
	fields := make([]string, 0, len(e.Details))
	for field := range e.Details {
		fields = append(fields, field)
	}
	sort.Strings(fields)
	var lines []string
	for _, field := range fields {
		for _, d := range e.Details[field] {
			switch {
			case d.Error != "" && d.Description != "":
				lines = append(lines, fmt.Sprintf("%s: %s: %s", field, d.Error, d.Description))
			default:
				lines = append(lines, fmt.Sprintf("%s: %s%s", field, d.Error, d.Description))
			}
		}
	}
	return lines
}

// HasDetail reports whether Zendesk flagged field with the error code code.
func (e *APIError) HasDetail(field, code string) bool {
	for _, d := range e.Details[field] {
		if d.Error == code {
			return true
		}
	}
	return false
}

// IsNotFound reports whether err is Zendesk saying that the user or
// identity does not exist: a 404 with Zendesk's JSON error RecordNotFound,
// to a request for a user or an identity under /api/v2. No other 404 says
// that a record is gone: an unknown route (InvalidEndpoint) means the URL
// is wrong; an HTML page comes from a host that is not the account's API (a
// mistyped subdomain, a host-mapped domain that is not set up, a proxy);
// and /oauth/tokens answers for the credentials, not for a record.
func IsNotFound(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusNotFound &&
		apiErr.Code == "RecordNotFound" && userRecordPath.MatchString(apiErr.Path)
}

// userRecordPath matches the paths of a user and of its identities.
var userRecordPath = regexp.MustCompile(`^/api/v2/users/[0-9]+(\.json|/identities(\.json|/.*)?)?$`)

// IsDuplicateValue reports whether err is Zendesk refusing a value that
// another identity of the account already has.
func IsDuplicateValue(err error) bool {
	var apiErr *APIError
	return errors.As(err, &apiErr) && apiErr.StatusCode == http.StatusUnprocessableEntity && apiErr.HasDetail("value", "DuplicateValue")
}

// StatusCode returns the HTTP status of an API error, or 0 for any other error.
func StatusCode(err error) int {
	var apiErr *APIError
	if errors.As(err, &apiErr) {
		return apiErr.StatusCode
	}
	return 0
}

// errorBody is every shape of error body Zendesk is known to send.
type errorBody struct {
	Error            json.RawMessage            `json:"error"`
	Description      string                     `json:"description"`
	ErrorDescription string                     `json:"error_description"`
	Details          map[string]json.RawMessage `json:"details"`
}

// errorObject is the newer `{"error":{"title":..,"message":..}}` shape.
type errorObject struct {
	Title   string `json:"title"`
	Message string `json:"message"`
}

// newAPIError builds an APIError from a response whose body has been read.
// It accepts JSON in each known shape, text/plain and empty bodies. Every
// text it keeps from the answer goes through secrets, before it is cut to
// length (see redactor): whatever echoed the request must not put a
// credential in a message.
func newAPIError(method, path string, resp *http.Response, body []byte, secrets *redactor) *APIError {
	e := &APIError{Method: method, Path: path, StatusCode: resp.StatusCode}
	if wait, ok := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()); ok {
		e.RetryAfter, e.HasRetryAfter = wait, true
	}
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		if location, err := resp.Location(); err == nil {
			e.Location = secrets.text(location.String())
		}
	}
	var parsed errorBody
	if json.Unmarshal(body, &parsed) != nil || parsed.Error == nil && parsed.Description == "" {
		e.Body = truncate(secrets.text(strings.TrimSpace(string(body))), maxErrorBody)
		if e.Body != "" {
			e.ContentType, _, _ = mime.ParseMediaType(resp.Header.Get("Content-Type"))
		}
		return e
	}
	var code string
	var obj errorObject
	switch {
	case json.Unmarshal(parsed.Error, &code) == nil:
		e.Code = code
	case json.Unmarshal(parsed.Error, &obj) == nil:
		e.Code, e.Description = obj.Title, obj.Message
	}
	if parsed.Description != "" {
		e.Description = parsed.Description
	} else if parsed.ErrorDescription != "" {
		e.Description = parsed.ErrorDescription
	}
	e.Code, e.Description = secrets.text(e.Code), secrets.text(e.Description)
	e.Details = parseDetails(parsed.Details, secrets)
	return e
}

// parseDetails reads the details map, whose entries are usually arrays of
// {error, description} but are kept as text when they are anything else.
func parseDetails(raw map[string]json.RawMessage, secrets *redactor) map[string][]ErrorDetail {
	if len(raw) == 0 {
		return nil
	}
	details := make(map[string][]ErrorDetail, len(raw))
	for field, value := range raw {
		var text string
		var list []ErrorDetail
		var one ErrorDetail
		switch {
		case json.Unmarshal(value, &text) == nil:
			list = []ErrorDetail{{Description: text}}
		case json.Unmarshal(value, &list) == nil:
		case json.Unmarshal(value, &one) == nil && (one.Error != "" || one.Description != ""):
			list = []ErrorDetail{one}
		default:
			list = []ErrorDetail{{Description: string(value)}}
		}
		for i := range list {
			list[i].Error = truncate(secrets.text(list[i].Error), maxErrorBody)
			list[i].Description = truncate(secrets.text(list[i].Description), maxErrorBody)
		}
		details[field] = list
	}
	return details
}

// RequestError is a request that got no answer from Zendesk: the connection
// failed or dropped, every attempt of it.
type RequestError struct {
	Method   string
	Path     string
	Attempts int
	Err      error
}

func (e *RequestError) Error() string {
	if e.Attempts > 1 {
		return fmt.Sprintf("%s %s: no answer from Zendesk after %d attempts: %v", e.Method, e.Path, e.Attempts, e.Err)
	}
	return fmt.Sprintf("%s %s: no answer from Zendesk: %v", e.Method, e.Path, e.Err)
}

func (e *RequestError) Unwrap() error { return e.Err }

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// AnswerError is a 2xx answer that does not hold what the request asks
// for: a body that is not the expected JSON, a create or update whose
// answer lacks the identity or describes another one, or a make_primary
// whose collection does not show the identity as primary. Whatever sent it
// received the request, so a create may have been carried out.
type AnswerError struct {
	Method string
	Path   string
	// StatusCode is the 2xx status, when known.
	StatusCode int
	// Problem says what is wrong with the answer.
	Problem string
}

func (e *AnswerError) Error() string {
	if e.StatusCode == 0 {
		return fmt.Sprintf("%s %s: Zendesk's answer is unusable: %s", e.Method, e.Path, e.Problem)
	}
	return fmt.Sprintf("%s %s: HTTP %d %s, but %s", e.Method, e.Path, e.StatusCode, http.StatusText(e.StatusCode), e.Problem)
}

// UnconfirmedCreateError is a create whose outcome is unknown: its answer
// was lost or unusable (Err), and the lookup for the identity it may have
// made failed too (LookupErr). The identity may exist in Zendesk.
type UnconfirmedCreateError struct {
	UserID    int64
	Type      string
	Value     string
	Err       error
	LookupErr error
}

func (e *UnconfirmedCreateError) Error() string {
	return fmt.Sprintf("%v; looking for the %s identity %q of user %d afterwards failed too, so it may exist in Zendesk: %v",
		e.Err, e.Type, e.Value, e.UserID, e.LookupErr)
}

// Unwrap returns the create's failure and the lookup's.
func (e *UnconfirmedCreateError) Unwrap() []error { return []error{e.Err, e.LookupErr} }
