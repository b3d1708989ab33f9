// Package sso is the council's single sign-on over OpenID Connect: the authorisation code
// flow with PKCE, state and nonce. Begin records a sign-in and gives the provider's address
// to send the browser to; Finish takes the provider's answer, once, and returns who signed in
// as the verified ID token says. Which account that is, and its role, is for accounts.
package sso

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"golang.org/x/oauth2"

	"dadirectory/internal/config"
)

// CallbackPath is where the provider sends the browser back, under BASE_URL.
const CallbackPath = "/login/oidc/callback"

// flowLife is how long a begun sign-in waits for the provider's answer.
const flowLife = 10 * time.Minute

var (
	// ErrUnavailable: the provider could not be reached (discovery, keys or the token).
	ErrUnavailable = errors.New("sso: the sign-in service cannot be reached")
	// ErrFlow: the answer belongs to no sign-in begun in this browser, or one already used
	// or too old (a wrong state, a replayed answer).
	ErrFlow = errors.New("sso: the answer matches no sign-in begun in this browser")
	// ErrRejected: the provider's answer did not prove anyone (a code it refused, an ID
	// token that fails verification: signature, issuer, audience, expiry or nonce).
	ErrRejected = errors.New("sso: the answer does not verify")
	// ErrUnverifiedEmail: the ID token's email is missing or not verified by the provider.
	ErrUnverifiedEmail = errors.New("sso: the email is not verified")
)

// Identity is who the provider says signed in.
type Identity struct {
	ID     string // issuer and subject: the provider's lasting name for the person
	Email  string // verified, lower case
	Name   string
	Groups []string // the role claim's values
}

// Provider is one OpenID provider, discovered on first use (so the app starts while the
// provider is away) and then kept.
type Provider struct {
	cfg      *config.OIDC
	redirect string
	db       *pgxpool.Pool
	client   *http.Client

	mu sync.Mutex
	op *oidc.Provider
}

// New prepares single sign-on with cfg; the provider sends people back to base + CallbackPath.
func New(cfg *config.OIDC, base *url.URL, db *pgxpool.Pool) *Provider {
	return &Provider{cfg: cfg, redirect: strings.TrimSuffix(base.String(), "/") + CallbackPath, db: db,
		client: &http.Client{Timeout: 10 * time.Second}}
}

// Name is the sign-in button's words.
func (p *Provider) Name() string { return p.cfg.Name }

func (p *Provider) provider(ctx context.Context) (*oidc.Provider, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.op != nil {
		return p.op, nil
	}
	op, err := oidc.NewProvider(oidc.ClientContext(ctx, p.client), p.cfg.Issuer)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrUnavailable, err)
	}
	p.op = op
	return op, nil
}

func (p *Provider) oauth(op *oidc.Provider) *oauth2.Config {
	scopes := []string{oidc.ScopeOpenID, "email", "profile"}
	// Some providers put groups in the token only when asked by a scope of that name; others
	// refuse scopes they do not list, so it is asked only when listed.
	var meta struct {
		Scopes []string `json:"scopes_supported"`
	}
	if op.Claims(&meta) == nil && slices.Contains(meta.Scopes, p.cfg.RoleClaim) {
		scopes = append(scopes, p.cfg.RoleClaim)
	}
	return &oauth2.Config{ClientID: p.cfg.ClientID, ClientSecret: p.cfg.ClientSecret, Endpoint: op.Endpoint(),
		RedirectURL: p.redirect, Scopes: scopes}
}

func digest(s string) []byte {
	h := sha256.Sum256([]byte(s))
	return h[:]
}

// Begin records a sign-in that goes on to next, and returns its state (for the browser's
// cookie) and the provider's address to send the browser to.
func (p *Provider) Begin(ctx context.Context, next string) (state, to string, err error) {
	op, err := p.provider(ctx)
	if err != nil {
		return "", "", err
	}
	state, nonce, verifier := rand.Text(), rand.Text(), oauth2.GenerateVerifier()
	if _, err := p.db.Exec(ctx, `WITH old AS (DELETE FROM sign_in_flows WHERE created_at < now() - $5::interval)
		INSERT INTO sign_in_flows (state_hash, nonce, verifier, next) VALUES ($1, $2, $3, $4)`,
		digest(state), nonce, verifier, next, flowLife.String()); err != nil {
		return "", "", fmt.Errorf("sso: begin: %w", err)
	}
	return state, p.oauth(op).AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier)), nil
}

// Finish takes the provider's answer: the state the browser's cookie held, the state and
// code the provider sent back. The sign-in it answers is used up whatever the outcome.
func (p *Provider) Finish(ctx context.Context, cookieState, state, code string) (Identity, string, error) {
	if state == "" || cookieState == "" || state != cookieState || code == "" {
		return Identity{}, "", ErrFlow
	}
	var nonce, verifier, next string
	var fresh bool
	err := p.db.QueryRow(ctx, `DELETE FROM sign_in_flows WHERE state_hash = $1 RETURNING nonce, verifier, next,
		created_at > now() - $2::interval`, digest(state), flowLife.String()).Scan(&nonce, &verifier, &next, &fresh)
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && !fresh) {
		return Identity{}, "", ErrFlow
	}
	if err != nil {
		return Identity{}, "", fmt.Errorf("sso: finish: %w", err)
	}
	op, err := p.provider(ctx)
	if err != nil {
		return Identity{}, "", err
	}
	hctx := oidc.ClientContext(ctx, p.client)
	tok, err := p.oauth(op).Exchange(hctx, code, oauth2.VerifierOption(verifier))
	if err != nil {
		var re *oauth2.RetrieveError
		if errors.As(err, &re) {
			return Identity{}, "", fmt.Errorf("%w: the provider refused the code (%s)", ErrRejected, re.ErrorCode)
		}
		return Identity{}, "", fmt.Errorf("%w: token: %w", ErrUnavailable, err)
	}
	raw, _ := tok.Extra("id_token").(string)
	if raw == "" {
		return Identity{}, "", fmt.Errorf("%w: no ID token", ErrRejected)
	}
	idt, err := op.VerifierContext(hctx, &oidc.Config{ClientID: p.cfg.ClientID}).Verify(hctx, raw)
	if err != nil {
		return Identity{}, "", fmt.Errorf("%w: %w", ErrRejected, err)
	}
	if idt.Nonce != nonce {
		return Identity{}, "", fmt.Errorf("%w: the nonce is not this sign-in's", ErrRejected)
	}
	return p.identity(idt, next)
}

// identity reads who the verified token names.
func (p *Provider) identity(idt *oidc.IDToken, next string) (Identity, string, error) {
	var std struct {
		Email    string `json:"email"`
		Verified any    `json:"email_verified"`
		Name     string `json:"name"`
		Username string `json:"preferred_username"`
	}
	if err := idt.Claims(&std); err != nil {
		return Identity{}, "", fmt.Errorf("%w: claims: %w", ErrRejected, err)
	}
	// Some providers send the flag as the string "true".
	verified := std.Verified == true || std.Verified == "true"
	if std.Email == "" || !verified {
		return Identity{}, "", ErrUnverifiedEmail
	}
	var all map[string]any
	if err := idt.Claims(&all); err != nil {
		return Identity{}, "", fmt.Errorf("%w: claims: %w", ErrRejected, err)
	}
	id := Identity{ID: idt.Issuer + " " + idt.Subject, Email: strings.ToLower(strings.TrimSpace(std.Email)),
		Name: std.Name, Groups: claimStrings(all[p.cfg.RoleClaim])}
	if id.Name == "" {
		id.Name = std.Username
	}
	return id, next, nil
}

// claimStrings reads a claim holding a list of strings, or one string.
func claimStrings(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}
