package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"dadirectory/internal/access"
)

// OIDC is the council's single sign-on over OpenID Connect.
type OIDC struct {
	Issuer       string // OIDC_ISSUER: the provider's issuer URL (its discovery document is under it)
	ClientID     string // OIDC_CLIENT_ID
	ClientSecret string // OIDC_CLIENT_SECRET; may be empty for a public client (PKCE alone)
	Name         string // OIDC_NAME: the button's words
	RoleClaim    string // OIDC_ROLE_CLAIM: the ID token claim listing the person's groups
	// RoleMap (OIDC_ROLE_MAP, "DA-Admins=admin,Housing=housing_staff") gives each group's
	// role; a person in several mapped groups gets the most powerful of their roles.
	RoleMap map[string]access.Role
}

// loadOIDC reads the OIDC_* settings; single sign-on is off (nil) without OIDC_ISSUER.
func loadOIDC(get func(key, def string) string) (*OIDC, error) {
	issuer := get("OIDC_ISSUER", "")
	if issuer == "" {
		for _, k := range []string{"OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_ROLE_MAP"} {
			if get(k, "") != "" {
				return nil, fmt.Errorf("%s is set but OIDC_ISSUER is not: single sign-on needs both", k)
			}
		}
		return nil, nil
	}
	o := &OIDC{
		Issuer:       issuer,
		ClientID:     get("OIDC_CLIENT_ID", ""),
		ClientSecret: get("OIDC_CLIENT_SECRET", ""),
		Name:         get("OIDC_NAME", "Sign in with your council account"),
		RoleClaim:    get("OIDC_ROLE_CLAIM", "groups"),
	}
	var errs []error
	u, err := url.Parse(issuer)
	switch {
	case err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http"):
		errs = append(errs, fmt.Errorf("OIDC_ISSUER %q: want the provider's https URL", issuer))
	case u.Scheme == "http" && !loopback(u.Hostname()):
		// Tokens over plain http could be read on the way: only a provider on this machine.
		errs = append(errs, fmt.Errorf("OIDC_ISSUER %q: want https (http only for a provider on loopback)", issuer))
	}
	if o.ClientID == "" {
		errs = append(errs, errors.New("OIDC_CLIENT_ID: required with OIDC_ISSUER"))
	}
	o.RoleMap, err = parseRoleMap(get("OIDC_ROLE_MAP", ""))
	if err != nil {
		errs = append(errs, err)
	}
	return o, errors.Join(errs...)
}

// parseRoleMap reads OIDC_ROLE_MAP: group=role pairs, comma separated. RSL officers keep
// local accounts (each belongs to one landlord, which no council group says), so that role
// is refused here.
func parseRoleMap(raw string) (map[string]access.Role, error) {
	m := map[string]access.Role{}
	for _, pair := range strings.Split(raw, ",") {
		pair = strings.TrimSpace(pair)
		if pair == "" {
			continue
		}
		i := strings.LastIndex(pair, "=")
		if i <= 0 {
			return nil, fmt.Errorf("OIDC_ROLE_MAP: %q: want group=role, such as DA-Admins=admin", pair)
		}
		group, role := strings.TrimSpace(pair[:i]), access.Role(strings.TrimSpace(pair[i+1:]))
		switch {
		case role == access.RSLOfficer:
			return nil, fmt.Errorf("OIDC_ROLE_MAP: %q: RSL officers keep local accounts; map groups to admin, champion or housing_staff", pair)
		case !role.Valid():
			return nil, fmt.Errorf("OIDC_ROLE_MAP: %q: %q is not a role: want admin, champion or housing_staff", pair, string(role))
		}
		if prev, ok := m[group]; ok && prev != role {
			return nil, fmt.Errorf("OIDC_ROLE_MAP: group %q is mapped twice", group)
		}
		m[group] = role
	}
	if len(m) == 0 {
		return nil, errors.New("OIDC_ROLE_MAP: required with OIDC_ISSUER: which groups are which role, such as DA-Admins=admin,Housing=housing_staff")
	}
	return m, nil
}

// RoleFor is the most powerful role any of groups maps to, or "" when none does.
func (o *OIDC) RoleFor(groups []string) access.Role {
	best := -1
	for _, g := range groups {
		r, ok := o.RoleMap[g]
		if !ok {
			continue
		}
		for i, x := range access.Roles {
			if x == r && (best == -1 || i < best) {
				best = i
			}
		}
	}
	if best == -1 {
		return access.Anonymous
	}
	return access.Roles[best]
}

func loopback(host string) bool {
	ip := net.ParseIP(host)
	return host == "localhost" || (ip != nil && ip.IsLoopback())
}
