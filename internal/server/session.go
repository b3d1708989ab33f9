package server

import (
	"context"
	"net"
	"net/http"
	"net/url"
	"strings"

	"github.com/alexedwards/scs/v2"

	"dadirectory/internal/access"
	"dadirectory/internal/accounts"
)

const (
	sessionUserID = "uid"
	sessionEpoch  = "epoch"
	sessionID     = "sid" // the session's row in user_sessions
)

// newSessions configures scs: sessions in PostgreSQL, so every instance shares them and
// signing out ends a session everywhere; cookies HttpOnly, SameSite=Lax, Secure (with the
// __Host- prefix) when the site is served over https.
func (s *Server) newSessions() *scs.SessionManager {
	sm := scs.New()
	sm.Store = newSessionStore(s.db) // pgxstore, with the request's context (session_store.go)
	sm.IdleTimeout = s.cfg.SessionIdle
	sm.Lifetime = s.cfg.SessionLifetime
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Path = "/"
	sm.Cookie.Persist = false // gone when the browser closes: kinder on a shared device
	sm.Cookie.Secure = s.cfg.Secure()
	sm.Cookie.Name = "session"
	if sm.Cookie.Secure {
		sm.Cookie.Name = "__Host-session"
	}
	// The store being unreachable is an outage, not a bug: say so kindly.
	sm.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		s.log.WarnContext(r.Context(), "session store unavailable", "err", err)
		s.errorPage(w, r, http.StatusServiceUnavailable)
	}
	return sm
}

type userKey struct{}

// loadUser reloads the signed-in user on every request, so a deactivated account, or one whose
// sessions were ended by bumping session_epoch, is signed out at once everywhere.
func (s *Server) loadUser(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		uid := s.sessions.GetInt64(ctx, sessionUserID)
		if uid == 0 {
			next.ServeHTTP(w, r)
			return
		}
		u, ok, err := s.accounts.SessionUser(ctx, uid, s.sessions.GetString(ctx, sessionID))
		if err != nil {
			s.serveError(w, r, err)
			return
		}
		if !ok || !u.Active || u.Epoch != s.sessions.GetInt(ctx, sessionEpoch) {
			if err := s.sessions.Destroy(ctx); err != nil {
				s.serveError(w, r, err)
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		// A role that needs a second factor reaches nothing else until it has one.
		if !factorSetupPaths[r.URL.Path] && s.needsFactor(r, u) {
			http.Redirect(w, r, "/account/two-factor", http.StatusSeeOther)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, userKey{}, u)))
	})
}

// currentUser is the signed-in user, if any.
func currentUser(ctx context.Context) (accounts.User, bool) {
	u, ok := ctx.Value(userKey{}).(accounts.User)
	return u, ok
}

// viewer is who the request is for: the signed-in user, or the public.
func viewer(ctx context.Context) access.Viewer {
	if u, ok := currentUser(ctx); ok {
		return u.Viewer()
	}
	return access.Public
}

// requireRole lets through signed-in users holding one of roles (any role when none are
// given). Anonymous visitors are sent to sign in; signed-in users without the role get 404,
// as if the page did not exist.
func (s *Server) requireRole(roles ...access.Role) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			u, ok := currentUser(r.Context())
			if !ok {
				http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				return
			}
			if len(roles) > 0 && !hasRole(u.Role, roles) {
				s.log.InfoContext(r.Context(), "authorisation refused", "id", RequestIDFrom(r.Context()),
					"user", u.ID, "role", string(u.Role), "path", r.URL.Path)
				s.errorPage(w, r, http.StatusNotFound)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

func hasRole(r access.Role, roles []access.Role) bool {
	for _, x := range roles {
		if r == x {
			return true
		}
	}
	return false
}

// clientAddr is the visitor's address for throttling: the connection's, unless it comes from
// a configured trusted proxy, whose X-Forwarded-For (last hop) is then believed.
func (s *Server) clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	ip := net.ParseIP(host)
	for _, n := range s.cfg.TrustedProxies {
		if ip != nil && n.Contains(ip) {
			hops := strings.Split(r.Header.Get("X-Forwarded-For"), ",")
			if last := strings.TrimSpace(hops[len(hops)-1]); net.ParseIP(last) != nil {
				return last
			}
		}
	}
	return host
}
