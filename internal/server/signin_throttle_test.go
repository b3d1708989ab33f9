package server

import (
	"context"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"

	"dadirectory/internal/access"
)

func TestSignInThrottledPerAccount(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	_, email := a.createUser(t, access.HousingStaff, "")
	var messages []string
	// An existing account, and an address no account has: throttled alike, so a lock-out does
	// not tell anyone which accounts exist. Case and spaces do not make a new key.
	for _, target := range []string{email, "no-such-person@example.org"} {
		for i := range 5 {
			typed := target
			if i%2 == 1 {
				typed = "  " + strings.ToUpper(target) + " "
			}
			if resp, _ := a.postLogin(t, creds(typed, "wrong passphrase "+strconv.Itoa(i)), nil, nil); resp.StatusCode != http.StatusUnauthorized {
				t.Fatalf("%s failure %d: %d", target, i+1, resp.StatusCode)
			}
		}
		resp, body := a.postLogin(t, creds(target, testPassword), nil, nil)
		msg := errorSummary.FindString(body)
		if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(msg, "Wait 15 minutes") || sessionCookie(resp) != nil {
			t.Errorf("%s: 6th attempt with the right password: %d %q; want 429 naming 15 minutes", target, resp.StatusCode, msg)
		}
		if n, err := strconv.Atoi(resp.Header.Get("Retry-After")); err != nil || n < 14*60 || n > 15*60+1 {
			t.Errorf("%s: Retry-After %q", target, resp.Header.Get("Retry-After"))
		}
		messages = append(messages, msg)
	}
	if messages[0] != messages[1] {
		t.Errorf("lock-out differs for an existing account:\n%s\n%s", messages[0], messages[1])
	}
	// Other accounts from the same address are not locked out.
	_, other := a.createUser(t, access.HousingStaff, "")
	if resp, _ := a.postLogin(t, creds(other, testPassword), nil, nil); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("another account: %d", resp.StatusCode)
	}
}

func TestSignInThrottledPerAddress(t *testing.T) {
	t.Parallel()
	pool := newApp(t).pool
	// Behind a trusted proxy, the forwarded address is the client's.
	a := startAppWith(t, pool, map[string]string{"TRUSTED_PROXIES": "127.0.0.1/32,::1/128"})
	_, email := a.createUser(t, access.HousingStaff, "")
	from := func(ip string) map[string]string { return map[string]string{"X-Forwarded-For": ip} }
	for i := range 50 {
		resp, _ := a.postLogin(t, creds("guess"+strconv.Itoa(i)+"@example.org", "wrong passphrase"), nil, from("203.0.113.7"))
		if resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("failure %d: %d", i+1, resp.StatusCode)
		}
	}
	resp, body := a.postLogin(t, creds(email, testPassword), nil, from("203.0.113.7"))
	if resp.StatusCode != http.StatusTooManyRequests || !strings.Contains(body, "minutes") {
		t.Errorf("51st attempt from the address: %d; want 429 naming minutes", resp.StatusCode)
	}
	if resp, _ := a.postLogin(t, creds(email, testPassword), nil, from("203.0.113.8")); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("the same account from another address: %d, want 303", resp.StatusCode)
	}

	// Without a trusted proxy X-Forwarded-For is ignored: changing it does not escape the limit.
	d := startApp(t, pool)
	if resp, _ := d.postLogin(t, creds(email, testPassword), nil, from("198.51.100.1")); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("before failures from 127.0.0.1: %d", resp.StatusCode)
	}
	pool.Exec(context.Background(), `INSERT INTO login_failures (key) SELECT k FROM (VALUES ('addr:127.0.0.1'), ('addr:::1')) v(k), generate_series(1, 50)`)
	if resp, _ := d.postLogin(t, creds(email, testPassword), nil, from("198.51.100.2")); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("X-Forwarded-For believed without a trusted proxy: %d, want 429", resp.StatusCode)
	}
}

// Email addresses no account can have are refused like any other, not with a server error.
func TestSignInOddEmailsAreNotServerErrors(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	for _, email := range []string{"a\x00b@example.org", strings.Repeat("Ⱥ", 127)} {
		resp, _ := a.postLogin(t, creds(email, "any passphrase at all"), nil, nil)
		if resp.StatusCode >= 500 {
			t.Errorf("email %q: status %d", email[:4], resp.StatusCode)
		}
	}
}

// Parallel guesses are counted one by one: of 60 wrong passwords sent at once for one account
// from one address, only the limit (5) are ever checked; the rest are told to wait.
func TestSignInParallelGuessesAreCountedOneByOne(t *testing.T) {
	t.Parallel()
	a := newApp(t)
	_, email := a.createUser(t, access.HousingStaff, "")
	const n = 60
	codes := make(chan int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, _ := a.postLogin(t, creds(email, "wrong passphrase "+strconv.Itoa(i)), nil, nil)
			codes <- resp.StatusCode
		}()
	}
	wg.Wait()
	close(codes)
	count := map[int]int{}
	for c := range codes {
		count[c]++
	}
	t.Logf("%d parallel guesses: %d checked (401), %d refused unchecked (429)", n, count[http.StatusUnauthorized], count[http.StatusTooManyRequests])
	if count[http.StatusUnauthorized] != 5 || count[http.StatusTooManyRequests] != n-5 {
		t.Errorf("answers %v: want exactly 5 checked and %d refused", count, n-5)
	}
	var audited int
	if err := a.pool.QueryRow(context.Background(), `SELECT count(*) FROM audit_events WHERE action = 'auth.sign_in_failed'`).Scan(&audited); err != nil {
		t.Fatal(err)
	}
	if audited != count[http.StatusUnauthorized] {
		t.Errorf("%d failed sign-ins audited for %d checked", audited, count[http.StatusUnauthorized])
	}
}

// A stranger guessing from many addresses slows guessing at the account down, but cannot lock
// the person out: from the address they have signed in from before, the right password works.
func TestSignInStrangerCannotLockThePersonOut(t *testing.T) {
	t.Parallel()
	pool := newApp(t).pool
	a := startAppWith(t, pool, map[string]string{"TRUSTED_PROXIES": "127.0.0.1/32,::1/128"})
	_, email := a.createUser(t, access.HousingStaff, "")
	from := func(ip string) map[string]string { return map[string]string{"X-Forwarded-For": ip} }
	home := from("198.51.100.10")
	if resp, _ := a.postLogin(t, creds(email, testPassword), nil, home); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("first sign-in from home: %d", resp.StatusCode)
	}
	// 20 guesses spread over 20 addresses (each under its own limits) reach the account's.
	for i := range 20 {
		if resp, _ := a.postLogin(t, creds(email, "wrong passphrase"), nil, from("203.0.113."+strconv.Itoa(i+1))); resp.StatusCode != http.StatusUnauthorized {
			t.Fatalf("guess %d: %d", i+1, resp.StatusCode)
		}
	}
	resp, _ := a.postLogin(t, creds(email, "another wrong passphrase"), nil, from("203.0.113.99"))
	if resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("21st guess from a new address: %d, want 429", resp.StatusCode)
	}
	// The stranger's own address: the pair limit after 5 of their guesses there.
	for i := range 5 {
		a.postLogin(t, creds(email, "wrong passphrase "+strconv.Itoa(i)), nil, from("203.0.113.1"))
	}
	if resp, _ := a.postLogin(t, creds(email, testPassword), nil, from("203.0.113.1")); resp.StatusCode != http.StatusTooManyRequests {
		t.Errorf("the right password from the stranger's address: %d, want 429", resp.StatusCode)
	}
	// The person at home: signed in, while the stranger is still paused.
	if resp, _ := a.postLogin(t, creds(email, testPassword), nil, home); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("the person from their own address while a stranger guesses: %d, want 303", resp.StatusCode)
	}
}
