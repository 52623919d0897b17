package provider

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/hashicorp/terraform-plugin-testing/helper/resource"
	"github.com/hashicorp/terraform-plugin-testing/terraform"

	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesk"
	"github.com/tfzendesk/terraform-provider-zendesk/internal/zendesktest"
)

// Pipelines apply unattended against an API with hard rate limits and
// occasional outages. Each test below applies identities of several users
// at Terraform's default -parallelism of 10 while the fake misbehaves.

// identitiesOf renders n identities of users, values distinct per suffix.
func identitiesOf(users []zendesktest.User, n int, suffix string) string {
	var b strings.Builder
	for i := range n {
		u := users[i%len(users)]
		b.WriteString(identityConfig(fmt.Sprintf("i%d", i), u.ID, "email", fmt.Sprintf("u%d.i%d.%s@example.org", u.ID, i, suffix)))
	}
	return b.String()
}

// noDuplicates checks that every value appears once in the fake.
func (e *testEnv) noDuplicates() error {
	seen := map[string]int{}
	for _, id := range e.fake.AllIdentities() {
		seen[strings.ToLower(id.Type+":"+id.Value)]++
	}
	for value, n := range seen {
		if n > 1 {
			return fmt.Errorf("%s exists %d times", value, n)
		}
	}
	return nil
}

// stateMatchesFake checks that every identity in state exists in the fake
// with the state's value, and that the fake holds no identity of the
// users that state does not know: nothing lost, nothing orphaned.
func (e *testEnv) stateMatchesFake(users []zendesktest.User) resource.TestCheckFunc {
	return func(s *terraform.State) error {
		inState := map[string]string{}
		for _, rs := range s.RootModule().Resources {
			if rs.Type == "zendesk_user_identity" {
				inState[rs.Primary.ID] = rs.Primary.Attributes["value"]
			}
		}
		for _, u := range users {
			for _, id := range e.fake.Identities(u.ID) {
				value, ok := inState[fmt.Sprint(id.ID)]
				if !ok {
					return fmt.Errorf("identity %d (%s) of user %d is in Zendesk but not in state", id.ID, id.Value, u.ID)
				}
				if !strings.EqualFold(value, id.Value) {
					return fmt.Errorf("identity %d: state says %q, Zendesk %q", id.ID, value, id.Value)
				}
				delete(inState, fmt.Sprint(id.ID))
			}
		}
		if len(inState) > 0 {
			return fmt.Errorf("state holds identities Zendesk does not: %v", inState)
		}
		return e.noDuplicates()
	}
}

// waitRecorder keeps every pause the client takes, unscaled.
type waitRecorder struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (w *waitRecorder) wait(d time.Duration) time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.waits = append(w.waits, d)
	return d
}

func (w *waitRecorder) all() []time.Duration {
	w.mu.Lock()
	defer w.mu.Unlock()
	return slices.Clone(w.waits)
}

// A limit far below what the apply needs, with no retries allowed: every
// create still gets through, since a 429 is no failure, and the pacer
// never lets two requests meet the limit in one window. What is asserted
// holds however fast the machine runs: the count of 429s is bounded by the
// windows the run spanned, whatever their number.
func TestAccFaults_rateLimitStorm(t *testing.T) {
	t.Parallel()
	const limit, window, ids = 5, time.Second, 30
	env := newTestEnv(t, zendesktest.Options{RateLimit: limit, RateLimitWindow: window})
	waits := &waitRecorder{}
	env.tune = func(cfg *zendesk.Config) {
		cfg.Wait = waits.wait
		cfg.RateLimitPeriod = window
	}
	users := env.users(6)
	config := env.configWith([]string{"max_retries = 0"}, identitiesOf(users, ids, "storm"))

	// Every pause is one the fake asked for: a Retry-After or a reset, in
	// whole seconds, a window at most. A window costs at most one 429: the
	// request that finds the budget spent goes alone, and its Retry-After
	// holds every request until the window turns.
	paced := func(phase string) error {
		requests := env.fake.Requests()
		if len(requests) == 0 {
			return fmt.Errorf("%s: no requests", phase)
		}
		for _, d := range waits.all() {
			if d < 0 || d > window || d%time.Second != 0 {
				return fmt.Errorf("%s: the client paused %s, which is no Retry-After of the fake", phase, d)
			}
		}
		span := requests[len(requests)-1].Time.Sub(requests[0].Time)
		windows := int(span/window) + 1
		throttled := env.fake.CountStatus(http.StatusTooManyRequests)
		t.Logf("%s: %d requests, %d answered 429, over %d windows", phase, len(requests), throttled, windows)
		if throttled > windows {
			return fmt.Errorf("%s: %d answers were 429 over %d windows, want at most one a window", phase, throttled, windows)
		}
		return nil
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy: func(s *terraform.State) error {
			if err := env.checkDestroyed(s); err != nil {
				return err
			}
			if n := env.fake.Count(zendesktest.RouteDelete) - env.fake.CountStatus(http.StatusTooManyRequests); n != ids {
				return fmt.Errorf("%d deletes carried out, want %d", n, ids)
			}
			return paced("destroy")
		},
		Steps: []resource.TestStep{
			{
				PreConfig: env.fake.ResetRequests,
				Config:    config,
				Check: resource.ComposeAggregateTestCheckFunc(
					env.stateMatchesFake(users),
					func(*terraform.State) error { return paced("apply") },
					func(*terraform.State) error {
						if n := env.fake.CountStatus(http.StatusCreated); n != ids {
							return fmt.Errorf("%d creates carried out, want %d", n, ids)
						}
						if env.fake.CountStatus(http.StatusTooManyRequests) == 0 {
							return fmt.Errorf("no answer was 429: the limit did not bind, and the test shows nothing")
						}
						return nil
					},
				),
			},
			{
				// Reset the log before the destroy that ends the test.
				PreConfig: env.fake.ResetRequests,
				Config:    config,
				Check:     func(*terraform.State) error { env.fake.ResetRequests(); return nil },
			},
		},
	})
}

// Other integrations keep the account at its limit: each answer is 429
// with Retry-After: 1, again and again. The run ends when it has waited as
// long as max_rate_limit_wait allows, saying so, and nothing is created.
func TestAccFaults_rateLimitedForLongerThanTheRunMayWait(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	ana := env.user("Ana Lima")
	env.fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultStatus, Route: zendesktest.RouteCreate, Status: http.StatusTooManyRequests,
		RetryAfter: 1, ContentType: "text/plain", Body: "Number of allowed API requests per minute exceeded"})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{{
			Config: env.configWith([]string{`max_rate_limit_wait = "1s"`}, identityConfig("work", ana.ID, "email", "ana.work@example.org")),
			ExpectError: errorLike("Error creating Zendesk user identity", "HTTP 429 Too Many Requests",
				"Body: Number of allowed API requests per minute exceeded", "The request was not sent again",
				"the most that max_rate_limit_wait allows (1s)", "raise max_rate_limit_wait"),
		}},
	})
	if n := len(env.fake.Identities(ana.ID)); n != 1 {
		t.Errorf("the user has %d identities, want the one it had", n)
	}
}

func TestAccFaults_serviceUnavailableEveryThirdRequest(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	users := env.users(5)
	env.fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultStatus, Status: http.StatusServiceUnavailable, RetryAfter: 1, Every: 3})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				Config: env.config(identitiesOf(users, 20, "a")),
				Check: resource.ComposeAggregateTestCheckFunc(
					env.stateMatchesFake(users),
					func(*terraform.State) error {
						if n := env.fake.CountStatus(http.StatusServiceUnavailable); n == 0 {
							return fmt.Errorf("the fault never fired")
						}
						return nil
					},
				),
			},
			{Config: env.config(identitiesOf(users, 20, "b")), Check: env.stateMatchesFake(users)},
		},
	})
}

func TestAccFaults_droppedConnectionsAndServerErrorsOnReadsUpdatesDeletes(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	users := env.users(5)
	// At most five faults per method, so that no request can meet one on
	// each of its six attempts, however the concurrent requests interleave.
	for _, f := range []zendesktest.Fault{
		{Kind: zendesktest.FaultDrop, Method: http.MethodGet, Every: 2, Times: 3},
		{Kind: zendesktest.FaultStatus, Method: http.MethodGet, Status: http.StatusInternalServerError, Every: 3, Times: 2},
		{Kind: zendesktest.FaultStatus, Method: http.MethodPut, Status: http.StatusInternalServerError, Every: 2, Times: 3},
		{Kind: zendesktest.FaultDrop, Method: http.MethodPut, Every: 3, Times: 2},
		{Kind: zendesktest.FaultDrop, Method: http.MethodDelete, Every: 2, Times: 3},
		{Kind: zendesktest.FaultStatus, Method: http.MethodDelete, Status: http.StatusBadGateway, Every: 3, Times: 2},
	} {
		env.fake.AddFault(f)
	}
	faulted := func(*terraform.State) error {
		dropped, failed := 0, 0
		for _, r := range env.fake.Requests() {
			switch r.Status {
			case 0:
				dropped++
			case http.StatusInternalServerError, http.StatusBadGateway:
				failed++
			}
		}
		if dropped == 0 || failed == 0 {
			return fmt.Errorf("faults fired: %d dropped, %d server errors; want both", dropped, failed)
		}
		return nil
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy: func(s *terraform.State) error {
			if err := env.checkDestroyed(s); err != nil {
				return err
			}
			return faulted(s)
		},
		Steps: []resource.TestStep{
			{Config: env.config(identitiesOf(users, 15, "a")), Check: env.stateMatchesFake(users)},
			// Every value changes: fifteen updates through the faults.
			{
				Config: env.config(identitiesOf(users, 15, "b")),
				Check:  resource.ComposeAggregateTestCheckFunc(env.stateMatchesFake(users), faulted),
			},
		},
	})
}

func TestAccFaults_aCreateWhoseAnswerIsLost(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		fault zendesktest.Fault
	}{
		{"500 after the commit", zendesktest.Fault{Kind: zendesktest.FaultAfterCommit}},
		{"connection dropped after the commit", zendesktest.Fault{Kind: zendesktest.FaultDropAfterCommit}},
		// What a proxy or load balancer in front of Zendesk may answer
		// once Zendesk has created the identity.
		{"503 without Retry-After after the commit", zendesktest.Fault{Kind: zendesktest.FaultAfterCommit, Status: http.StatusServiceUnavailable}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			env := newTestEnv(t, zendesktest.Options{})
			users := env.users(4)
			tc.fault.Route, tc.fault.Every = zendesktest.RouteCreate, 3
			env.fake.AddFault(tc.fault)
			resource.UnitTest(t, resource.TestCase{
				ProtoV6ProviderFactories: env.factories(),
				CheckDestroy:             env.checkDestroyed,
				Steps: []resource.TestStep{{
					Config: env.config(identitiesOf(users, 12, "lost")),
					// Exactly one identity per address, each in state: the
					// lost answers were found by listing, not created again.
					Check: resource.ComposeAggregateTestCheckFunc(
						env.stateMatchesFake(users),
						func(*terraform.State) error {
							if got := len(env.fake.AllIdentities()); got != 12 {
								return fmt.Errorf("the fake holds %d identities, want 12", got)
							}
							if creates := env.fake.Count(zendesktest.RouteCreate); creates != 12 {
								return fmt.Errorf("%d creates sent for 12 identities", creates)
							}
							return nil
						},
					),
				}},
			})
		})
	}
}

// A create answered 503 without Retry-After was carried out, and the
// lookup after it was served by a list that had not caught up: the create
// sent again is refused as a duplicate. The provider looks once more,
// finds the user's own identity (spelt as Zendesk formats the number) and
// records it: one identity, known to the state.
func TestAccFaults_aResentCreateRefusedAsADuplicateIsRecorded(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{FormatPhoneNumbers: true})
	ana := env.user("Ana Lima")
	env.fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultAfterCommit, Route: zendesktest.RouteCreate, Status: http.StatusServiceUnavailable, Times: 1})
	env.fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultStatus, Route: zendesktest.RouteList, Status: http.StatusOK,
		Body: `{"identities":[],"meta":{"has_more":false}}`, ContentType: "application/json", Times: 1})
	phone := "zendesk_user_identity.phone"
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{{
			Config: env.config(identityConfig("phone", ana.ID, "phone_number", "+1 555-010-0200")),
			Check: resource.ComposeAggregateTestCheckFunc(
				env.storedValue(phone, "+15550100200"),
				func(s *terraform.State) error {
					phones := 0
					for _, id := range env.fake.Identities(ana.ID) {
						if id.Type == "phone_number" {
							phones++
							if got := s.RootModule().Resources[phone].Primary.ID; got != fmt.Sprint(id.ID) {
								return fmt.Errorf("state holds identity %s, Zendesk %d", got, id.ID)
							}
						}
					}
					if phones != 1 {
						return fmt.Errorf("Zendesk holds %d phone numbers of the user, want 1", phones)
					}
					return env.counts(map[zendesktest.Route]int{zendesktest.RouteCreate: 2})
				},
			),
		}},
	})
}

func TestAccFaults_retriesExhausted(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	ana := env.user("Ana Lima")
	// A 500 may hide a created identity: each create is looked for before
	// it is sent again, five times, and the last answer is the error.
	env.fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultStatus, Route: zendesktest.RouteCreate, Status: http.StatusInternalServerError})
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{{
			Config: env.config(identityConfig("work", ana.ID, "email", "ana.work@example.org")),
			ExpectError: errorLike("Error creating Zendesk user identity", "Zendesk answered POST /api/v2/users/",
				"/identities with HTTP 500 Internal Server Error", "(6 attempts, the last answer shown)", "Zendesk failed to process the request"),
		}},
	})
	if n := env.fake.Count(zendesktest.RouteCreate); n != 6 {
		t.Errorf("%d creates sent, want 6 (max_retries 5)", n)
	}
	if n := env.fake.Count(zendesktest.RouteList); n != 6 {
		t.Errorf("%d lookups, want one after each create", n)
	}
}

func TestAccFaults_readsWithoutAnswer(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	ana := env.user("Ana Lima")
	config := env.config(identityConfig("work", ana.ID, "email", "ana.work@example.org"))
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: config},
			{
				PreConfig:   func() { env.fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultDrop, Method: http.MethodGet}) },
				Config:      config,
				ExpectError: errorLike("Error reading Zendesk user identity", "GET /api/v2/users/", "no answer from Zendesk after 6 attempts"),
			},
			{PreConfig: env.fake.ClearFaults, Config: config},
		},
	})
}

func TestAccFaults_concurrentMakePrimaryOnOneUser(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	users := env.users(3)
	// Each user has two emails and two phones; the flag of both types moves
	// from the a's to the b's in one apply.
	phoneSuffix := map[string]string{"a": "0010", "b": "0020"}
	config := func(primaryOf string) string {
		var b strings.Builder
		for _, u := range users {
			for _, which := range []string{"a", "b"} {
				flag := ""
				if which == primaryOf {
					flag = "primary = true"
				}
				b.WriteString(identityConfig(fmt.Sprintf("email_%d_%s", u.ID, which), u.ID, "email", fmt.Sprintf("u%d.%s@example.org", u.ID, which), flag))
				b.WriteString(identityConfig(fmt.Sprintf("phone_%d_%s", u.ID, which), u.ID, "phone_number", fmt.Sprintf("+1 555 %03d %s", u.ID%1000, phoneSuffix[which]), flag))
			}
		}
		return env.config(b.String())
	}
	primaries := func(which string) resource.TestCheckFunc {
		return func(*terraform.State) error {
			for _, u := range users {
				for _, id := range env.fake.Identities(u.ID) {
					wantPrimary := strings.Contains(id.Value, "."+which+"@") || strings.HasSuffix(id.Value, phoneSuffix[which])
					if id.Primary != wantPrimary {
						return fmt.Errorf("user %d: %s %s primary = %t, want %t", u.ID, id.Type, id.Value, id.Primary, wantPrimary)
					}
				}
			}
			return nil
		}
	}
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{Config: config("a"), Check: primaries("a")},
			{PreConfig: env.fake.ResetRequests, Config: config("b"), Check: resource.ComposeAggregateTestCheckFunc(
				primaries("b"),
				func(*terraform.State) error {
					return env.counts(map[zendesktest.Route]int{zendesktest.RouteMakePrimary: 2 * len(users)})
				},
			)},
		},
	})
}

// When a create's answer is lost and the lookup that would have found the
// identity fails too, the error says both, that the identity may exist,
// and how to import it; the import it prints adopts the identity.
func TestAccFaults_aLostCreateThatCannotBeCheckedNamesTheImport(t *testing.T) {
	t.Parallel()
	env := newTestEnv(t, zendesktest.Options{})
	ana := env.user("Ana Lima")
	config := identityConfig("work", ana.ID, "email", "ana.work@example.org")
	importID := fmt.Sprintf("%d:email:ana.work@example.org", ana.ID)
	resource.UnitTest(t, resource.TestCase{
		ProtoV6ProviderFactories: env.factories(),
		CheckDestroy:             env.checkDestroyed,
		Steps: []resource.TestStep{
			{
				PreConfig: func() {
					env.fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultDropAfterCommit, Route: zendesktest.RouteCreate, Times: 1})
					env.fake.AddFault(zendesktest.Fault{Kind: zendesktest.FaultStatus, Route: zendesktest.RouteList, Status: http.StatusForbidden, Times: 1})
				},
				Config: env.config(config),
				ExpectError: errorLike("Error creating Zendesk user identity",
					"Zendesk gave no usable answer to the create, so it may have created the identity",
					"POST /api/v2/users/", "no answer from Zendesk",
					"Looking for the identity afterwards failed too", "HTTP 403 Forbidden",
					`The email identity "ana.work@example.org" of user `, "may therefore exist in Zendesk",
					"terraform import zendesk_user_identity.NAME "+importID, `id = "`+importID+`"`),
			},
			{
				Config: env.config(config + fmt.Sprintf("\nimport {\n  to = zendesk_user_identity.work\n  id = %q\n}\n", importID)),
				Check: func(s *terraform.State) error {
					created, ok := env.identityByValue(ana.ID, "ana.work@example.org")
					if got := s.RootModule().Resources["zendesk_user_identity.work"].Primary.ID; !ok || got != fmt.Sprint(created.ID) {
						return fmt.Errorf("state holds identity %s, want Zendesk's %d", got, created.ID)
					}
					if n := env.fake.Count(zendesktest.RouteCreate); n != 1 || len(env.fake.Identities(ana.ID)) != 2 {
						return fmt.Errorf("%d creates, %d identities; want the lost create only", n, len(env.fake.Identities(ana.ID)))
					}
					return nil
				},
			},
		},
	})
}
