package zendesk

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

const showPath = "/api/v2/users/1/identities/2"

func TestAPIError_everyShape(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		status      int
		contentType string
		body        string
		headers     []string
		want        APIError // Method, Path and StatusCode are filled in
		wantError   string   // after "GET /api/v2/users/1/identities/2: "
		notFound    bool
		duplicate   bool
	}{
		{
			name: "record not found", status: 404, contentType: "application/json",
			body:      `{"error":"RecordNotFound","description":"Not found"}`,
			want:      APIError{Code: "RecordNotFound", Description: "Not found"},
			wantError: "HTTP 404 Not Found: RecordNotFound: Not found",
			notFound:  true,
		},
		{
			name: "unknown route", status: 404, contentType: "application/json",
			body:      `{"error":"InvalidEndpoint","description":"Not found"}`,
			want:      APIError{Code: "InvalidEndpoint", Description: "Not found"},
			wantError: "HTTP 404 Not Found: InvalidEndpoint: Not found",
		},
		{
			name: "error object", status: 403, contentType: "application/json",
			body:      `{"error":{"title":"Forbidden","message":"You do not have access to this page."}}`,
			want:      APIError{Code: "Forbidden", Description: "You do not have access to this page."},
			wantError: "HTTP 403 Forbidden: Forbidden: You do not have access to this page.",
		},
		{
			name: "error code only", status: 401, contentType: "application/json",
			body:      `{"error":"Couldn't authenticate you"}`,
			want:      APIError{Code: "Couldn't authenticate you"},
			wantError: "HTTP 401 Unauthorized: Couldn't authenticate you",
		},
		{
			name: "OAuth error", status: 401, contentType: "application/json",
			body:      `{"error":"invalid_token","error_description":"The access token provided is expired."}`,
			want:      APIError{Code: "invalid_token", Description: "The access token provided is expired."},
			wantError: "HTTP 401 Unauthorized: invalid_token: The access token provided is expired.",
		},
		{
			name: "validation details, sorted by field", status: 422, contentType: "application/json",
			body: `{"error":"RecordInvalid","description":"Record validation errors","details":{
				"value":[{"description":"Value: a@example.org is already being used by another user","error":"DuplicateValue"},
				         {"description":"Value: is too short","error":"ValueTooShort"}],
				"type":[{"description":"Type: x is not valid","error":"InvalidValue"}]}}`,
			want: APIError{Code: "RecordInvalid", Description: "Record validation errors", Details: map[string][]ErrorDetail{
				"value": {
					{Error: "DuplicateValue", Description: "Value: a@example.org is already being used by another user"},
					{Error: "ValueTooShort", Description: "Value: is too short"},
				},
				"type": {{Error: "InvalidValue", Description: "Type: x is not valid"}},
			}},
			wantError: "HTTP 422 Unprocessable Entity: RecordInvalid: Record validation errors" +
				"; type: InvalidValue: Type: x is not valid" +
				"; value: DuplicateValue: Value: a@example.org is already being used by another user" +
				"; value: ValueTooShort: Value: is too short",
			duplicate: true,
		},
		{
			name: "validation details without a duplicate", status: 422, contentType: "application/json",
			body: `{"error":"RecordInvalid","description":"Record validation errors","details":{"value":[{"description":"Value: x is invalid","error":"InvalidValue"}]}}`,
			want: APIError{Code: "RecordInvalid", Description: "Record validation errors", Details: map[string][]ErrorDetail{
				"value": {{Error: "InvalidValue", Description: "Value: x is invalid"}},
			}},
			wantError: "HTTP 422 Unprocessable Entity: RecordInvalid: Record validation errors; value: InvalidValue: Value: x is invalid",
		},
		{
			name: "a detail that is an object", status: 422, contentType: "application/json",
			body: `{"error":"RecordInvalid","description":"Record validation errors","details":{"value":{"error":"InvalidValue","description":"Value: x is invalid"}}}`,
			want: APIError{Code: "RecordInvalid", Description: "Record validation errors", Details: map[string][]ErrorDetail{
				"value": {{Error: "InvalidValue", Description: "Value: x is invalid"}},
			}},
			wantError: "HTTP 422 Unprocessable Entity: RecordInvalid: Record validation errors; value: InvalidValue: Value: x is invalid",
		},
		{
			name: "a detail that is a string", status: 422, contentType: "application/json",
			body: `{"error":"RecordInvalid","description":"Record validation errors","details":{"base":"Something is wrong"}}`,
			want: APIError{Code: "RecordInvalid", Description: "Record validation errors", Details: map[string][]ErrorDetail{
				"base": {{Description: "Something is wrong"}},
			}},
			wantError: "HTTP 422 Unprocessable Entity: RecordInvalid: Record validation errors; base: Something is wrong",
		},
		{
			name: "text/plain", status: 400, contentType: "text/plain; charset=utf-8",
			body:      "Bad request body\n",
			want:      APIError{Body: "Bad request body", ContentType: "text/plain"},
			wantError: "HTTP 400 Bad Request: Bad request body",
		},
		{
			name: "text/plain rate limit with Retry-After", status: 429, contentType: "text/plain; charset=utf-8",
			body: "Number of allowed API requests per minute exceeded", headers: []string{"Retry-After", "7"},
			want: APIError{Body: "Number of allowed API requests per minute exceeded", ContentType: "text/plain", RetryAfter: 7 * time.Second, HasRetryAfter: true},
			// The client waits for the rate limit as long as the run may,
			// here not at all.
			wantError: "HTTP 429 Too Many Requests: Number of allowed API requests per minute exceeded; not sent again: " +
				"requests waited 0s in all for Zendesk's rate limit during this run, the most allowed (0s)",
		},
		{
			name: "an HTML 404 page is not Zendesk's not found", status: 404, contentType: "text/html; charset=utf-8",
			body:      "<!DOCTYPE html><html><title>Page not found</title></html>",
			want:      APIError{Body: "<!DOCTYPE html><html><title>Page not found</title></html>", ContentType: "text/html"},
			wantError: "HTTP 404 Not Found: <!DOCTYPE html><html><title>Page not found</title></html>",
		},
		{
			name: "a JSON 404 without RecordNotFound", status: 404, contentType: "application/json",
			body:      `{"error":"NotFound"}`,
			want:      APIError{Code: "NotFound"},
			wantError: "HTTP 404 Not Found: NotFound",
		},
		{
			name: "a redirect", status: 307, contentType: "text/html",
			body: "<a href=\"https://elsewhere.example.com/x\">moved</a>", headers: []string{"Location", "https://elsewhere.example.com/x"},
			want: APIError{Body: "<a href=\"https://elsewhere.example.com/x\">moved</a>", ContentType: "text/html",
				Location: "https://elsewhere.example.com/x"},
			wantError: "HTTP 307 Temporary Redirect to https://elsewhere.example.com/x, a redirect the client does not follow",
		},
		{
			name: "empty body", status: 502,
			wantError: "HTTP 502 Bad Gateway",
		},
		{
			name: "empty JSON body", status: 403, contentType: "application/json",
			wantError: "HTTP 403 Forbidden",
		},
		{
			name: "JSON of another shape", status: 400, contentType: "application/json",
			body:      `{"errors":[{"code":"InvalidPaginationParameter","title":"page[size] must be an integer between 1 and 100"}]}`,
			want:      APIError{Body: `{"errors":[{"code":"InvalidPaginationParameter","title":"page[size] must be an integer between 1 and 100"}]}`, ContentType: "application/json"},
			wantError: `HTTP 400 Bad Request: {"errors":[{"code":"InvalidPaginationParameter","title":"page[size] must be an integer between 1 and 100"}]}`,
		},
		{
			name: "long text is truncated", status: 400, contentType: "text/html",
			body:      strings.Repeat("x", 600),
			want:      APIError{Body: strings.Repeat("x", 512) + "…", ContentType: "text/html"},
			wantError: "HTTP 400 Bad Request: " + strings.Repeat("x", 512) + "…",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			srv := newRecordingServer(t, answerWith(tt.status, tt.contentType, tt.body, tt.headers...))
			// No retries, and no waiting for the rate limit: one request.
			c, _ := newTestClientAt(t, srv.URL, withMaxRetries(0), withMaxRateLimitWait(-1),
				withWait(func(d time.Duration) time.Duration { return d }))

			_, err := c.GetIdentity(context.Background(), 1, 2)
			var got *APIError
			if !errors.As(err, &got) {
				t.Fatalf("GetIdentity = %v (%T), want an *APIError", err, err)
			}
			want := tt.want
			want.Method, want.Path, want.StatusCode = http.MethodGet, showPath, tt.status
			// Attempts is checked by the retry tests.
			want.Attempts = got.Attempts
			if !reflect.DeepEqual(*got, want) {
				t.Errorf("APIError =\n%#v\nwant\n%#v", *got, want)
			}
			if wantError := "GET " + showPath + ": " + tt.wantError; err.Error() != wantError {
				t.Errorf("Error() =\n%s\nwant\n%s", err.Error(), wantError)
			}
			if IsNotFound(err) != tt.notFound {
				t.Errorf("IsNotFound = %t, want %t", IsNotFound(err), tt.notFound)
			}
			if IsDuplicateValue(err) != tt.duplicate {
				t.Errorf("IsDuplicateValue = %t, want %t", IsDuplicateValue(err), tt.duplicate)
			}
			if StatusCode(err) != tt.status {
				t.Errorf("StatusCode = %d, want %d", StatusCode(err), tt.status)
			}
			if n := len(srv.requests()); n != 1 {
				t.Errorf("server saw %d requests, want 1", n)
			}
		})
	}
}

// TestAPIError_fromTheFake checks the errors the fake produces on its own,
// as Zendesk would.
func TestAPIError_fromTheFake(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		opts      zendesktest.Options
		auth      Auth
		call      func(c *Client, fake *zendesktest.Server, userID int64) error
		wantError string // the whole Error(), with %d for the user ID
		notFound  bool
		duplicate bool
	}{
		{
			name: "unknown identity",
			call: func(c *Client, _ *zendesktest.Server, userID int64) error {
				_, err := c.GetIdentity(context.Background(), userID, 999999)
				return err
			},
			wantError: "GET /api/v2/users/%d/identities/999999: HTTP 404 Not Found: RecordNotFound: Not found",
			notFound:  true,
		},
		{
			name: "unknown route",
			call: func(c *Client, _ *zendesktest.Server, userID int64) error {
				_, err := c.GetIdentity(context.Background(), userID, 0)
				return err
			},
			wantError: "GET /api/v2/users/%d/identities/0: HTTP 404 Not Found: InvalidEndpoint: Not found",
		},
		{
			name: "duplicate value",
			call: func(c *Client, fake *zendesktest.Server, userID int64) error {
				fake.AddUser("Bob", "bob@example.org")
				_, err := c.CreateIdentity(context.Background(), userID, CreateIdentityRequest{Type: "email", Value: "Bob@example.org"})
				return err
			},
			wantError: "POST /api/v2/users/%d/identities: HTTP 422 Unprocessable Entity: RecordInvalid: Record validation errors" +
				"; value: DuplicateValue: Value: Bob@example.org is already being used by another user",
			duplicate: true,
		},
		{
			name: "wrong API token",
			auth: APIToken(zendesktest.DefaultEmail, "wrong-token"),
			call: func(c *Client, _ *zendesktest.Server, userID int64) error {
				_, err := c.ListIdentities(context.Background(), userID)
				return err
			},
			wantError: "GET /api/v2/users/%d/identities: HTTP 401 Unauthorized: Couldn't authenticate you",
		},
		{
			name: "unknown OAuth token",
			auth: BearerToken("wrong-token"),
			call: func(c *Client, _ *zendesktest.Server, userID int64) error {
				return c.DeleteIdentity(context.Background(), userID, 5)
			},
			wantError: "DELETE /api/v2/users/%d/identities/5: HTTP 401 Unauthorized: invalid_token: " +
				"The access token provided is expired, revoked, malformed or invalid for other reasons.",
		},
		{
			name: "OAuth token without the write scope",
			auth: BearerToken("narrow-token"),
			call: func(c *Client, fake *zendesktest.Server, userID int64) error {
				fake.AddOAuthToken("narrow-token", "users:read users:write")
				_, err := c.VerifyIdentity(context.Background(), userID, 5)
				return err
			},
			wantError: "PUT /api/v2/users/%d/identities/5/verify: HTTP 403 Forbidden: Forbidden: " +
				"You do not have access to this page. Please contact the account owner of this help desk for further help.",
		},
		{
			name: "rate limit exceeded",
			opts: zendesktest.Options{RateLimit: 1},
			call: func(c *Client, fake *zendesktest.Server, userID int64) error {
				// A show's answer does not say when the window turns, so the
				// list goes to find out.
				if _, err := c.GetIdentity(context.Background(), userID, fake.Identities(userID)[0].ID); err != nil {
					return fmt.Errorf("the first request should pass: %w", err)
				}
				_, err := c.ListIdentities(context.Background(), userID)
				return err
			},
			wantError: "GET /api/v2/users/%d/identities: HTTP 429 Too Many Requests: Number of allowed API requests per minute exceeded; " +
				"not sent again: requests waited 0s in all for Zendesk's rate limit during this run, the most allowed (0s)",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := zendesktest.NewTest(t, tt.opts)
			user := fake.AddUser("Ada", "ada@example.org")
			// No retries, and no waiting for the rate limit.
			opts := []clientOption{withMaxRetries(0), withMaxRateLimitWait(-1), withWait(func(d time.Duration) time.Duration { return d })}
			if tt.auth != nil {
				opts = append(opts, withAuth(tt.auth))
			}
			c, _ := newTestClient(t, fake, opts...)

			err := tt.call(c, fake, user.ID)
			if err == nil {
				t.Fatal("no error")
			}
			if want := fmt.Sprintf(tt.wantError, user.ID); err.Error() != want {
				t.Errorf("Error() =\n%s\nwant\n%s", err, want)
			}
			if IsNotFound(err) != tt.notFound || IsDuplicateValue(err) != tt.duplicate {
				t.Errorf("IsNotFound = %t, IsDuplicateValue = %t; want %t, %t", IsNotFound(err), IsDuplicateValue(err), tt.notFound, tt.duplicate)
			}
		})
	}
}

func TestAPIError_rateLimitFromTheFakeCarriesRetryAfter(t *testing.T) {
	t.Parallel()
	start := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	fake := zendesktest.NewTest(t, zendesktest.Options{RateLimit: 1, Now: func() time.Time { return start }})
	user := fake.AddUser("Ada", "ada@example.org")
	c, _ := newTestClient(t, fake, withMaxRetries(0), withMaxRateLimitWait(-1), withWait(func(d time.Duration) time.Duration { return d }))

	if _, err := c.GetIdentity(context.Background(), user.ID, 1); !IsNotFound(err) {
		t.Fatalf("first request = %v, want 404", err)
	}
	_, err := c.GetIdentity(context.Background(), user.ID, 1)
	var apiErr *APIError
	if !errors.As(err, &apiErr) || apiErr.StatusCode != http.StatusTooManyRequests || apiErr.RetryAfter != time.Minute || apiErr.Attempts != 1 {
		t.Fatalf("second request = %#v, want a 429 asking to wait a minute after 1 attempt", err)
	}
	if n := fake.CountStatus(http.StatusTooManyRequests); n != 1 {
		t.Errorf("%d answers were 429, want 1", n)
	}
}

func TestAPIError_retryAfterAsAnHTTPDate(t *testing.T) {
	t.Parallel()
	at := time.Now().Add(2 * time.Hour).UTC().Format(http.TimeFormat)
	srv := newRecordingServer(t, answerWith(http.StatusServiceUnavailable, "text/plain", "Maintenance", "Retry-After", at))
	c, _ := newTestClientAt(t, srv.URL, withMaxRetries(0))

	_, err := c.GetIdentity(context.Background(), 1, 2)
	var apiErr *APIError
	if !errors.As(err, &apiErr) {
		t.Fatalf("GetIdentity = %v, want an *APIError", err)
	}
	// The date has whole seconds and some time passed since it was written.
	if apiErr.RetryAfter <= 2*time.Hour-time.Minute || apiErr.RetryAfter > 2*time.Hour {
		t.Errorf("RetryAfter = %s, want about 2h", apiErr.RetryAfter)
	}
}

func TestParseRetryAfter(t *testing.T) {
	t.Parallel()
	now := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		header string
		want   time.Duration
		ok     bool
	}{
		{"", 0, false},
		{"0", 0, true},
		{"7", 7 * time.Second, true},
		{"3600", time.Hour, true},
		{"-1", 0, false},
		{"1.5", 0, false},
		{"soon", 0, false},
		{"Fri, 01 Mar 2024 10:01:30 GMT", 90 * time.Second, true},
		{"Fri, 01 Mar 2024 09:59:00 GMT", 0, true}, // in the past: no wait
		{"Friday, 01-Mar-24 10:00:05 GMT", 5 * time.Second, true},
	}
	for _, tt := range tests {
		got, ok := parseRetryAfter(tt.header, now)
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseRetryAfter(%q) = %s, %t; want %s, %t", tt.header, got, ok, tt.want, tt.ok)
		}
	}
}

func TestErrorPredicates(t *testing.T) {
	t.Parallel()
	notFound := &APIError{StatusCode: 404, Code: "RecordNotFound", Path: "/api/v2/users/1/identities/2"}
	duplicate := &APIError{StatusCode: 422, Code: "RecordInvalid", Details: map[string][]ErrorDetail{
		"value": {{Error: "DuplicateValue"}},
	}}
	tests := []struct {
		name      string
		err       error
		notFound  bool
		duplicate bool
		status    int
	}{
		{"nil", nil, false, false, 0},
		{"not an API error", errors.New("boom"), false, false, 0},
		{"record not found", notFound, true, false, 404},
		{"wrapped record not found", fmt.Errorf("reading: %w", notFound), true, false, 404},
		{"record not found: a user", &APIError{StatusCode: 404, Code: "RecordNotFound", Path: "/api/v2/users/1.json"}, true, false, 404},
		{"record not found: a list", &APIError{StatusCode: 404, Code: "RecordNotFound", Path: "/api/v2/users/1/identities.json"}, true, false, 404},
		{"record not found: an action", &APIError{StatusCode: 404, Code: "RecordNotFound", Path: "/api/v2/users/1/identities/2/make_primary"}, true, false, 404},
		{"404 without a code", &APIError{StatusCode: 404, Path: notFound.Path}, false, false, 404},
		{"an HTML 404", &APIError{StatusCode: 404, Path: notFound.Path, Body: "<html></html>", ContentType: "text/html"}, false, false, 404},
		{"unknown route", &APIError{StatusCode: 404, Code: "InvalidEndpoint", Path: notFound.Path}, false, false, 404},
		{"RecordNotFound from the token exchange", &APIError{StatusCode: 404, Code: "RecordNotFound", Path: "/oauth/tokens"}, false, false, 404},
		{"RecordNotFound outside users", &APIError{StatusCode: 404, Code: "RecordNotFound", Path: "/api/v2/tickets/1"}, false, false, 404},
		{"RecordNotFound from show_many", &APIError{StatusCode: 404, Code: "RecordNotFound", Path: "/api/v2/users/show_many"}, false, false, 404},
		{"RecordNotFound outside the API", &APIError{StatusCode: 404, Code: "RecordNotFound", Path: "/users/1/identities/2"}, false, false, 404},
		{"RecordNotFound with another status", &APIError{StatusCode: 400, Code: "RecordNotFound", Path: notFound.Path}, false, false, 400},
		{"gone", &APIError{StatusCode: 410}, false, false, 410},
		{"duplicate", duplicate, false, true, 422},
		{"wrapped duplicate", fmt.Errorf("creating: %w", duplicate), false, true, 422},
		{"duplicate on another field", &APIError{StatusCode: 422, Details: map[string][]ErrorDetail{"type": {{Error: "DuplicateValue"}}}}, false, false, 422},
		{"DuplicateValue with another status", &APIError{StatusCode: 400, Details: duplicate.Details}, false, false, 400},
		{"request error", &RequestError{Method: "GET", Path: "/x", Attempts: 1, Err: io.EOF}, false, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsNotFound(tt.err); got != tt.notFound {
				t.Errorf("IsNotFound = %t, want %t", got, tt.notFound)
			}
			if got := IsDuplicateValue(tt.err); got != tt.duplicate {
				t.Errorf("IsDuplicateValue = %t, want %t", got, tt.duplicate)
			}
			if got := StatusCode(tt.err); got != tt.status {
				t.Errorf("StatusCode = %d, want %d", got, tt.status)
			}
		})
	}
}

func TestAPIError_mentionsAttemptsAfterRetries(t *testing.T) {
	t.Parallel()
	err := &APIError{Method: "GET", Path: "/api/v2/users/1/identities", StatusCode: 503, Code: "ServiceUnavailable", Attempts: 4}
	want := "GET /api/v2/users/1/identities: HTTP 503 Service Unavailable (after 4 attempts): ServiceUnavailable"
	if err.Error() != want {
		t.Errorf("Error() = %s, want %s", err, want)
	}
}

func TestRequestError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err  *RequestError
		want string
	}{
		{&RequestError{Method: "GET", Path: "/api/v2/users/1/identities", Attempts: 1, Err: io.EOF},
			"GET /api/v2/users/1/identities: no answer from Zendesk: EOF"},
		{&RequestError{Method: "PUT", Path: "/api/v2/users/1/identities/2", Attempts: 3, Err: io.ErrUnexpectedEOF},
			"PUT /api/v2/users/1/identities/2: no answer from Zendesk after 3 attempts: unexpected EOF"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %s, want %s", got, tt.want)
		}
		if !errors.Is(tt.err, tt.err.Err) {
			t.Errorf("%v does not unwrap to %v", tt.err, tt.err.Err)
		}
	}
}
