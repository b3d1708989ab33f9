package config

import (
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestLoadDefaults(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.ListenAddr != "127.0.0.1:8080" || c.BaseURL.String() != "http://127.0.0.1:8080" || c.Secure() {
		t.Errorf("defaults: %+v", c)
	}
	if c.QuickExitURL != "https://www.bbc.co.uk/weather" || c.Helpline != "08000271234" {
		t.Errorf("defaults: %+v", c)
	}
}

func TestLoadHTTPSBaseIsSecure(t *testing.T) {
	c, err := Load(env(map[string]string{"BASE_URL": "https://da.example.gov.uk"}))
	if err != nil || !c.Secure() {
		t.Fatalf("secure=%v err=%v", c.Secure(), err)
	}
}

func TestLoadRejectsBadValues(t *testing.T) {
	_, err := Load(env(map[string]string{
		"LISTEN_ADDR":      "nonsense",
		"BASE_URL":         "javascript:alert(1)",
		"QUICK_EXIT_URL":   "//evil.example",
		"LOG_LEVEL":        "loud",
		"HELPLINE_NUMBER":  "0800 027",
		"SHUTDOWN_TIMEOUT": "-1s",
	}))
	if err == nil {
		t.Fatal("want errors")
	}
	for _, key := range []string{"LISTEN_ADDR", "BASE_URL", "QUICK_EXIT_URL", "LOG_LEVEL", "HELPLINE_NUMBER", "SHUTDOWN_TIMEOUT"} {
		if !strings.Contains(err.Error(), key) {
			t.Errorf("error does not name %s: %v", key, err)
		}
	}
}

func TestPprofOnlyOnLoopback(t *testing.T) {
	for addr, ok := range map[string]bool{
		"127.0.0.1:6060": true, "localhost:6060": true, "[::1]:6060": true,
		"0.0.0.0:6060": false, ":6060": false, "10.0.0.5:6060": false, "example.org:6060": false, "6060": false,
	} {
		c, err := Load(env(map[string]string{"PPROF_ADDR": addr}))
		if (err == nil) != ok || (ok && c.PprofAddr != addr) {
			t.Errorf("PPROF_ADDR=%q: err=%v", addr, err)
		}
	}
}

func TestMailSettings(t *testing.T) {
	c, err := Load(env(map[string]string{"BASE_URL": "https://da.example.gov.uk"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.SMTPURL != nil || c.MailFrom != `"Domestic Abuse Digital Directory" <no-reply@da.example.gov.uk>` || c.ReminderEvery.String() != "1h0m0s" {
		t.Errorf("mail defaults: SMTP %v, from %q, every %v", c.SMTPURL, c.MailFrom, c.ReminderEvery)
	}
	for raw, ok := range map[string]bool{
		"smtp://user:pass@mail.example.org:587": true, "smtps://u:p@mail.example.org": true, "smtp://mail.example.org:25": true,
		"smtp://mail.example.org": true, "http://mail.example.org": false, "smtp://": false, "mail.example.org:25": false,
		"smtp://mail.example.org:99999": false, "smtp://mail.example.org/path": false, "smtp://mail.example.org?x=1": false,
	} {
		c, err := Load(env(map[string]string{"SMTP_URL": raw}))
		if (err == nil) != ok || (ok && c.SMTPURL == nil) {
			t.Errorf("SMTP_URL=%q: err=%v", raw, err)
		}
	}
	if _, err := Load(env(map[string]string{"SMTP_URL": "http://user:s3cret@mail.example.org"})); err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Errorf("a bad SMTP_URL's error must not repeat its password: %v", err)
	}
	for from, ok := range map[string]bool{
		"Directory <dir@council.gov.uk>": true, "dir@council.gov.uk": true, "not an address": false,
		"Dir <dir@council.gov.uk>\r\nBcc: x@evil.example": false,
	} {
		if _, err := Load(env(map[string]string{"MAIL_FROM": from})); (err == nil) != ok {
			t.Errorf("MAIL_FROM=%q: err=%v", from, err)
		}
	}
	for every, ok := range map[string]bool{"15m": true, "0s": false, "-1h": false, "soon": false} {
		if _, err := Load(env(map[string]string{"REMINDER_EVERY": every})); (err == nil) != ok {
			t.Errorf("REMINDER_EVERY=%q: err=%v", every, err)
		}
	}
}

func TestMetricsAddr(t *testing.T) {
	for addr, ok := range map[string]bool{"127.0.0.1:9090": true, "0.0.0.0:9090": true, ":9090": true, "9090": false, "127.0.0.1:8080": false} {
		c, err := Load(env(map[string]string{"METRICS_ADDR": addr}))
		if (err == nil) != ok || (ok && c.MetricsAddr != addr) {
			t.Errorf("METRICS_ADDR=%q: err=%v", addr, err)
		}
	}
	if c, _ := Load(env(nil)); c.MetricsAddr != "" {
		t.Errorf("metrics on by default: %q", c.MetricsAddr)
	}
}

// FuzzSMTPURL: whatever SMTP_URL holds, an accepted one is smtp(s) with a host, and no error
// repeats the password.
func FuzzSMTPURL(f *testing.F) {
	for _, s := range []string{"smtp://u:p@h:587", "smtps://h", "smtp://h:25", "http://u:secret@h", "smtp://", "smtp://h/x?y#z", "smtp://u:pw%zz@h"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		u, err := parseSMTPURL(raw)
		if err != nil {
			// The same URL with a marker for its password: if the error holds the marker, it
			// repeats what was typed. (Comparing with the password itself misfires when the
			// password happens to be a piece of the message, such as "://u".)
			if pw := passwordOf(raw); pw != "" {
				const marker = "Qz7mark7zQ"
				_, err2 := parseSMTPURL(strings.Replace(raw, ":"+pw+"@", ":"+marker+"@", 1))
				if err2 != nil && strings.Contains(err2.Error(), marker) {
					t.Fatalf("the error repeats the password: %v", err2)
				}
			}
			return
		}
		if (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
			t.Fatalf("accepted %q as %+v", raw, u)
		}
	})
}

// passwordOf is what sits between "user:" and "@" in raw, roughly.
func passwordOf(raw string) string {
	_, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return ""
	}
	userinfo, _, ok := strings.Cut(rest, "@")
	if !ok {
		return ""
	}
	_, pw, _ := strings.Cut(userinfo, ":")
	return pw
}
