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
