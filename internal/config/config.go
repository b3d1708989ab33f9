// Package config reads the application's settings from environment variables, applies
// defaults and validates them once at start, so the rest of the program never reads the
// environment.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"dadirectory/internal/access"
)

// Config is every setting the application has. The README lists each with its variable.
type Config struct {
	DatabaseURL  string        // DATABASE_URL; empty in dev means "start a private cluster"
	ListenAddr   string        // LISTEN_ADDR
	BaseURL      *url.URL      // BASE_URL: the address people use; https means Secure cookies
	QuickExitURL string        // QUICK_EXIT_URL: where "Exit this page" goes, until an admin sets one
	DataDir      string        // DATA_DIR: the private dev cluster's home
	LogLevel     string        // LOG_LEVEL: debug, info, warn, error
	SiteName     string        // SITE_NAME, until an admin sets one
	CouncilName  string        // COUNCIL_NAME, until an admin sets one
	HelplineName string        // HELPLINE_NAME, until an admin sets one
	Helpline     string        // HELPLINE_NUMBER (digits), until an admin sets one
	ShutdownWait time.Duration // SHUTDOWN_TIMEOUT: how long shutting down may take in all, after SIGTERM
	// ShutdownDrain (SHUTDOWN_DRAIN): the first part of it, while /readyz fails and requests
	// are still served, so a load balancer stops sending new ones before the listener closes.
	ShutdownDrain time.Duration

	SessionIdle     time.Duration // SESSION_IDLE_TIMEOUT: signed out after this long without a request
	SessionLifetime time.Duration // SESSION_LIFETIME: signed out this long after signing in, whatever
	Argon2MemoryKiB uint32        // ARGON2_MEMORY_KIB: password hashing memory
	Argon2Time      uint32        // ARGON2_TIME: password hashing passes
	TrustedProxies  []*net.IPNet  // TRUSTED_PROXIES: proxies whose X-Forwarded-For is believed

	PprofAddr   string // PPROF_ADDR: loopback host:port for Go's profiler; empty (default) for none
	MetricsAddr string // METRICS_ADDR: host:port for /metrics (Prometheus); empty (default) for none

	SMTPURL       *url.URL      // SMTP_URL: where mail goes; nil means mail is off (dev keeps it in /dev/mail)
	MailFrom      string        // MAIL_FROM: the sender of every email, "Name <address>"
	ReminderEvery time.Duration // REMINDER_EVERY: how often due review reminders are looked for
	OfferTime     time.Duration // TRAINING_OFFER_TIME: how long a person has to accept a freed place

	// OpenDataRateLimit (OPEN_DATA_RATE_LIMIT, default 600, 0 for none): requests a minute
	// one client address may make to the open data API, /openreferral/v3/.
	OpenDataRateLimit int

	// MFARequiredRoles (MFA_REQUIRED_ROLES, default "admin,rsl_officer"; "none" for no role):
	// people with these roles set up a second factor before anything else.
	MFARequiredRoles []access.Role
	// MFARolesSet says MFA_REQUIRED_ROLES was given: dev asks no role for a second factor
	// unless it was, so its demo accounts stay usable.
	MFARolesSet bool

	// OIDC is the council's single sign-on (OIDC_*); nil when OIDC_ISSUER is not set.
	OIDC *OIDC

	// Dev is set by the dev command (never from the environment): mail without SMTP_URL is
	// kept in a mailbox page, /dev/mail, instead of being off.
	Dev bool
}

// Load builds a Config from getenv (os.Getenv in production, a map in tests).
func Load(getenv func(string) string) (Config, error) {
	get := func(key, def string) string {
		if v := strings.TrimSpace(getenv(key)); v != "" {
			return v
		}
		return def
	}
	c := Config{
		DatabaseURL:  get("DATABASE_URL", ""),
		ListenAddr:   get("LISTEN_ADDR", "127.0.0.1:8080"),
		QuickExitURL: get("QUICK_EXIT_URL", "https://www.bbc.co.uk/weather"),
		DataDir:      get("DATA_DIR", ".data"),
		LogLevel:     get("LOG_LEVEL", "info"),
		SiteName:     get("SITE_NAME", "Domestic Abuse Digital Directory"),
		CouncilName:  get("COUNCIL_NAME", "North Lanarkshire Council"),
		HelplineName: get("HELPLINE_NAME", "Scotland's Domestic Abuse and Forced Marriage Helpline"),
		Helpline:     get("HELPLINE_NUMBER", "08000271234"),
	}
	var errs []error
	if _, _, err := net.SplitHostPort(c.ListenAddr); err != nil {
		errs = append(errs, fmt.Errorf("LISTEN_ADDR %q: want host:port", c.ListenAddr))
	}
	base := get("BASE_URL", "http://"+c.ListenAddr)
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		errs = append(errs, fmt.Errorf("BASE_URL %q: want an absolute http(s) URL", base))
	}
	c.BaseURL = u
	if q, err := url.Parse(c.QuickExitURL); err != nil || (q.Scheme != "http" && q.Scheme != "https") || q.Host == "" {
		errs = append(errs, fmt.Errorf("QUICK_EXIT_URL %q: want an absolute http(s) URL", c.QuickExitURL))
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		errs = append(errs, fmt.Errorf("LOG_LEVEL %q: want debug, info, warn or error", c.LogLevel))
	}
	for _, r := range c.Helpline {
		if r < '0' || r > '9' {
			errs = append(errs, fmt.Errorf("HELPLINE_NUMBER %q: digits only", c.Helpline))
			break
		}
	}
	c.ShutdownWait, err = time.ParseDuration(get("SHUTDOWN_TIMEOUT", "20s"))
	if err != nil || c.ShutdownWait <= 0 {
		errs = append(errs, fmt.Errorf("SHUTDOWN_TIMEOUT: want a positive duration such as 20s"))
	}
	if c.ShutdownDrain, err = time.ParseDuration(get("SHUTDOWN_DRAIN", "5s")); err != nil || c.ShutdownDrain < 0 ||
		(c.ShutdownWait > 0 && c.ShutdownDrain >= c.ShutdownWait) {
		errs = append(errs, fmt.Errorf("SHUTDOWN_DRAIN: want a duration from 0s to less than SHUTDOWN_TIMEOUT, such as 5s"))
	}
	duration := func(key, def string, dst *time.Duration) {
		d, err := time.ParseDuration(get(key, def))
		if err != nil || d <= 0 {
			errs = append(errs, fmt.Errorf("%s: want a positive duration such as %s", key, def))
		}
		*dst = d
	}
	duration("SESSION_IDLE_TIMEOUT", "30m", &c.SessionIdle)
	duration("SESSION_LIFETIME", "12h", &c.SessionLifetime)
	number := func(key string, def, min, max uint64) uint32 {
		n, err := strconv.ParseUint(get(key, strconv.FormatUint(def, 10)), 10, 32)
		if err != nil || n < min || n > max {
			errs = append(errs, fmt.Errorf("%s: want a whole number from %d to %d", key, min, max))
		}
		return uint32(n)
	}
	// OWASP's floor for argon2id is 19 MiB with 2 passes; refuse weaker settings.
	c.Argon2MemoryKiB = number("ARGON2_MEMORY_KIB", 19456, 19456, 4<<20)
	c.Argon2Time = number("ARGON2_TIME", 2, 2, 20)
	for _, cidr := range strings.FieldsFunc(get("TRUSTED_PROXIES", ""), func(r rune) bool { return r == ',' || r == ' ' }) {
		if !strings.Contains(cidr, "/") {
			if strings.Contains(cidr, ":") {
				cidr += "/128"
			} else {
				cidr += "/32"
			}
		}
		_, n, err := net.ParseCIDR(cidr)
		if err != nil {
			errs = append(errs, fmt.Errorf("TRUSTED_PROXIES: %q is not an address or CIDR range", cidr))
			continue
		}
		c.TrustedProxies = append(c.TrustedProxies, n)
	}
	// The profiler shows internals (and can slow the process): never on a public address.
	if c.PprofAddr = get("PPROF_ADDR", ""); c.PprofAddr != "" {
		host, _, err := net.SplitHostPort(c.PprofAddr)
		if ip := net.ParseIP(host); err != nil || (host != "localhost" && (ip == nil || !ip.IsLoopback())) {
			errs = append(errs, fmt.Errorf("PPROF_ADDR %q: want a loopback host:port such as 127.0.0.1:6060", c.PprofAddr))
		}
	}
	// Metrics say how the service runs, not who uses it, but they are still not for the
	// public: a listener of their own, never the site's.
	if c.MetricsAddr = get("METRICS_ADDR", ""); c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			errs = append(errs, fmt.Errorf("METRICS_ADDR %q: want host:port, such as 127.0.0.1:9090", c.MetricsAddr))
		} else if c.MetricsAddr == c.ListenAddr {
			errs = append(errs, fmt.Errorf("METRICS_ADDR %q: must differ from LISTEN_ADDR, so metrics are never on the public listener", c.MetricsAddr))
		}
	}
	duration("REMINDER_EVERY", "1h", &c.ReminderEvery)
	duration("TRAINING_OFFER_TIME", "48h", &c.OfferTime)
	if c.OfferTime > 0 && (c.OfferTime < time.Hour || c.OfferTime > 14*24*time.Hour) {
		errs = append(errs, fmt.Errorf("TRAINING_OFFER_TIME: want from 1h to 336h (14 days), such as 48h"))
	}
	c.OpenDataRateLimit = int(number("OPEN_DATA_RATE_LIMIT", 600, 0, 1_000_000))
	if raw := get("SMTP_URL", ""); raw != "" {
		u, err := parseSMTPURL(raw)
		if err != nil {
			errs = append(errs, err)
		}
		c.SMTPURL = u
	}
	host := "localhost"
	if c.BaseURL != nil && c.BaseURL.Hostname() != "" {
		host = c.BaseURL.Hostname()
	}
	c.MailFrom = get("MAIL_FROM", c.SiteName+" <no-reply@"+host+">")
	if a, err := mail.ParseAddress(c.MailFrom); err != nil || strings.ContainsAny(c.MailFrom, "\r\n") {
		errs = append(errs, fmt.Errorf("MAIL_FROM %q: want an address such as \"Directory <no-reply@council.gov.uk>\"", c.MailFrom))
	} else {
		c.MailFrom = a.String()
	}
	c.MFARolesSet = strings.TrimSpace(getenv("MFA_REQUIRED_ROLES")) != ""
	c.MFARequiredRoles, err = parseRoles(get("MFA_REQUIRED_ROLES", "admin,rsl_officer"))
	if err != nil {
		errs = append(errs, err)
	}
	if c.OIDC, err = loadOIDC(get); err != nil {
		errs = append(errs, err)
	}
	return c, errors.Join(errs...)
}

// parseRoles reads MFA_REQUIRED_ROLES: a comma list of roles, or "none".
func parseRoles(raw string) ([]access.Role, error) {
	if raw == "none" {
		return nil, nil
	}
	var roles []access.Role
	for _, name := range strings.Split(raw, ",") {
		role := access.Role(strings.TrimSpace(name))
		if !role.Valid() {
			return nil, fmt.Errorf("MFA_REQUIRED_ROLES: %q is not a role: want a comma list of admin, champion, housing_staff and rsl_officer, or none", strings.TrimSpace(name))
		}
		if !slices.Contains(roles, role) {
			roles = append(roles, role)
		}
	}
	return roles, nil
}

// MFARequired reports whether people with role must have a second factor.
func (c Config) MFARequired(role access.Role) bool { return slices.Contains(c.MFARequiredRoles, role) }

// parseSMTPURL reads SMTP_URL: smtp://[user:pass@]host[:port] (STARTTLS when the server
// offers it; port 587 unless given) or smtps://[user:pass@]host[:port] (TLS from the first
// byte; port 465 unless given). The error never repeats the URL: it may hold a password.
func parseSMTPURL(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	switch {
	case err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" || u.Opaque != "":
		return nil, errors.New("SMTP_URL: want smtp://user:password@host:587, smtps://user:password@host:465 or smtp://host:25")
	case u.Path != "" && u.Path != "/", u.RawQuery != "", u.Fragment != "":
		return nil, errors.New("SMTP_URL: want no path, query or fragment after host:port")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
			return nil, errors.New("SMTP_URL: the port must be a number from 1 to 65535")
		}
	}
	return u, nil
}

// Secure reports whether people reach the site over https, so cookies must be Secure.
func (c Config) Secure() bool { return c.BaseURL != nil && c.BaseURL.Scheme == "https" }
