package zendesk

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// captureLogger keeps every log line, rendered every way a logger might
// render it.
type captureLogger struct {
	mu    sync.Mutex
	lines []string
}

func (l *captureLogger) add(level, msg string, fields map[string]any) {
	encoded, _ := json.Marshal(fields)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, fmt.Sprintf("%s %s %v %#v %s", level, msg, fields, fields, encoded))
}

func (l *captureLogger) Trace(_ context.Context, msg string, fields map[string]any) {
	l.add("TRACE", msg, fields)
}

func (l *captureLogger) Debug(_ context.Context, msg string, fields map[string]any) {
	l.add("DEBUG", msg, fields)
}

func (l *captureLogger) Warn(_ context.Context, msg string, fields map[string]any) {
	l.add("WARN", msg, fields)
}

func (l *captureLogger) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.lines...)
}

// exerciseEverything runs every operation once, with a retry after a 503,
// a dropped connection, a create whose answer is lost and two errors, and
// returns the errors' texts.
func exerciseEverything(t *testing.T, c *Client, fake *zendesktest.Server) []string {
	t.Helper()
	ctx := context.Background()
	user := fake.AddUser("Ada", "ada@example.org")
	addIdentities(t, fake, user.ID, TypeEmail, 120)
	other := fake.Identities(user.ID)[1]
	fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultStatus, Route: zendesktest.RouteShow, Times: 1, Status: 503, RetryAfter: 1})
	fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultDrop, Route: zendesktest.RouteUpdate, Times: 1})
	fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultAfterCommit, Route: zendesktest.RouteCreate, Times: 1})

	var texts []string
	note := func(err error) {
		if err != nil {
			texts = append(texts, err.Error(), fmt.Sprintf("%+v %#v", err, err))
		}
	}
	_, err := c.ListIdentities(ctx, user.ID)
	note(err)
	_, err = c.GetIdentity(ctx, user.ID, other.ID)
	note(err)
	_, err = c.GetIdentity(ctx, user.ID, 999999)
	note(err)
	created, err := c.CreateIdentity(ctx, user.ID, CreateIdentityRequest{Type: "email", Value: "new@example.org"})
	note(err)
	_, err = c.CreateIdentity(ctx, user.ID, CreateIdentityRequest{Type: "email", Value: "new@example.org"})
	note(err)
	_, err = c.UpdateIdentity(ctx, user.ID, other.ID, UpdateIdentityRequest{Verified: new(true)})
	note(err)
	_, err = c.MakePrimary(ctx, user.ID, other.ID)
	note(err)
	_, err = c.VerifyIdentity(ctx, user.ID, other.ID)
	note(err)
	note(c.RequestVerification(ctx, user.ID, other.ID))
	_, err = c.LookupIdentity(ctx, user.ID, other.ID)
	note(err)
	if created != nil {
		note(c.DeleteIdentity(ctx, user.ID, created.ID))
	}
	note(c.DeleteIdentity(ctx, user.ID, 999999))
	return texts
}

func TestLogging_neverShowsACredential(t *testing.T) {
	t.Parallel()
	basic := func(email, token string) string {
		return base64.StdEncoding.EncodeToString([]byte(email + "/token:" + token))
	}
	tests := []struct {
		name       string
		auth       Auth
		secrets    []string
		authorized bool
	}{
		{
			name: "API token",
			auth: APIToken(zendesktest.DefaultEmail, zendesktest.DefaultAPIToken),
			secrets: []string{
				zendesktest.DefaultAPIToken,
				basic(zendesktest.DefaultEmail, zendesktest.DefaultAPIToken),
				"Basic " + basic(zendesktest.DefaultEmail, zendesktest.DefaultAPIToken),
			},
			authorized: true,
		},
		{
			name:       "OAuth access token",
			auth:       BearerToken(zendesktest.DefaultOAuthToken),
			secrets:    []string{zendesktest.DefaultOAuthToken, "Bearer " + zendesktest.DefaultOAuthToken},
			authorized: true,
		},
		{
			name: "wrong API token",
			auth: APIToken(zendesktest.DefaultEmail, "wrong-api-token-42"),
			secrets: []string{
				"wrong-api-token-42",
				basic(zendesktest.DefaultEmail, "wrong-api-token-42"),
				"Basic " + basic(zendesktest.DefaultEmail, "wrong-api-token-42"),
			},
		},
		{
			name:    "wrong OAuth access token",
			auth:    BearerToken("wrong-oauth-token-42"),
			secrets: []string{"wrong-oauth-token-42", "Bearer wrong-oauth-token-42"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := zendesktest.NewTest(t, zendesktest.Options{})
			logger := &captureLogger{}
			c, _ := newTestClient(t, fake, withAuth(tt.auth), withLogger(logger))

			errTexts := exerciseEverything(t, c, fake)
			lines := logger.all()
			everything := append(append(lines, errTexts...), fmt.Sprintf("%v %+v %#v %s", tt.auth, tt.auth, tt.auth, tt.auth))
			for _, text := range everything {
				for i, secret := range tt.secrets {
					if strings.Contains(text, secret) {
						t.Errorf("credential #%d appears in: %s", i, text)
					}
				}
			}

			// The run was logged, retries and errors included, naming the
			// authentication method instead of showing it.
			joined := strings.Join(lines, "\n")
			wants := []string{"Zendesk request", "Zendesk response", tt.auth.Method()}
			if tt.authorized {
				wants = append(wants, "Zendesk's rate limit held the request back", "failed without an answer", "Zendesk response body")
				if len(errTexts) == 0 {
					t.Error("no operation failed; the run should have met a 404 and a 422")
				}
			} else if fake.CountStatus(401) == 0 {
				t.Error("the fake answered no request with 401")
			}
			for _, want := range wants {
				if !strings.Contains(joined, want) {
					t.Errorf("no log line mentions %q", want)
				}
			}
		})
	}
}
