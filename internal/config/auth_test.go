package config

import (
	"slices"
	"strings"
	"testing"

	"dadirectory/internal/access"
)

func TestMFARequiredRoles(t *testing.T) {
	c, err := Load(env(nil))
	if err != nil || !slices.Equal(c.MFARequiredRoles, []access.Role{access.Admin, access.RSLOfficer}) || c.MFARolesSet {
		t.Fatalf("default: %v %v %v", c.MFARequiredRoles, c.MFARolesSet, err)
	}
	if !c.MFARequired(access.Admin) || c.MFARequired(access.HousingStaff) || c.MFARequired(access.Anonymous) {
		t.Error("MFARequired does not follow the default list")
	}
	if c, err := Load(env(map[string]string{"MFA_REQUIRED_ROLES": "none"})); err != nil || len(c.MFARequiredRoles) != 0 || !c.MFARolesSet {
		t.Errorf("none: %v %v", c.MFARequiredRoles, err)
	}
	if c, err := Load(env(map[string]string{"MFA_REQUIRED_ROLES": " champion , housing_staff,champion"})); err != nil ||
		!slices.Equal(c.MFARequiredRoles, []access.Role{access.Champion, access.HousingStaff}) {
		t.Errorf("list: %v %v", c.MFARequiredRoles, err)
	}
	for _, bad := range []string{"admins", "admin,,rsl_officer", "Admin", "none,admin"} {
		if _, err := Load(env(map[string]string{"MFA_REQUIRED_ROLES": bad})); err == nil || !strings.Contains(err.Error(), "MFA_REQUIRED_ROLES") {
			t.Errorf("%q accepted (%v)", bad, err)
		}
	}
}

func TestOIDCSettings(t *testing.T) {
	if c, err := Load(env(nil)); err != nil || c.OIDC != nil {
		t.Fatalf("single sign-on on by default: %v %v", c.OIDC, err)
	}
	good := map[string]string{"OIDC_ISSUER": "https://login.example.gov.uk/tenant/v2.0", "OIDC_CLIENT_ID": "dad",
		"OIDC_ROLE_MAP": "DA-Admins=admin, Housing-Champions=champion,Housing=housing_staff"}
	c, err := Load(env(good))
	if err != nil || c.OIDC == nil {
		t.Fatalf("good settings refused: %v", err)
	}
	o := c.OIDC
	if o.RoleClaim != "groups" || o.Name != "Sign in with your council account" || len(o.RoleMap) != 3 || o.RoleMap["Housing-Champions"] != access.Champion {
		t.Errorf("read as %+v", o)
	}
	for groups, want := range map[string]access.Role{"Housing,DA-Admins": access.Admin, "Housing": access.HousingStaff,
		"Finance": access.Anonymous, "": access.Anonymous, "Housing-Champions,Housing": access.Champion} {
		if got := o.RoleFor(strings.Split(groups, ",")); got != want {
			t.Errorf("groups %q: %q, want %q", groups, got, want)
		}
	}
	for name, change := range map[string]map[string]string{
		"http issuer elsewhere": {"OIDC_ISSUER": "http://login.example.gov.uk"},
		"issuer not a URL":      {"OIDC_ISSUER": "login"},
		"no client":             {"OIDC_CLIENT_ID": ""},
		"no role map":           {"OIDC_ROLE_MAP": ""},
		"unknown role":          {"OIDC_ROLE_MAP": "X=superuser"},
		"rsl officer":           {"OIDC_ROLE_MAP": "RSL=rsl_officer"},
		"not a pair":            {"OIDC_ROLE_MAP": "admin"},
		"group twice":           {"OIDC_ROLE_MAP": "X=admin,X=champion"},
	} {
		e := map[string]string{}
		for k, v := range good {
			e[k] = v
		}
		for k, v := range change {
			e[k] = v
		}
		if _, err := Load(env(e)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := Load(env(map[string]string{"OIDC_CLIENT_ID": "x"})); err == nil {
		t.Error("a client id without an issuer was accepted")
	}
	loop := map[string]string{"OIDC_ISSUER": "http://127.0.0.1:5556/oidc", "OIDC_CLIENT_ID": "x", "OIDC_ROLE_MAP": "A=admin"}
	if _, err := Load(env(loop)); err != nil {
		t.Errorf("an http issuer on loopback was refused: %v", err)
	}
}

// FuzzRoleMap: whatever OIDC_ROLE_MAP holds, an accepted map gives only roles single sign-on
// may give, to non-empty groups.
func FuzzRoleMap(f *testing.F) {
	for _, s := range []string{"A=admin", "A=admin,B=champion", "a b=housing_staff", "=admin", "A=", "A==admin", "A=rsl_officer", ",,,"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		m, err := parseRoleMap(raw)
		if err != nil {
			return
		}
		for g, r := range m {
			if g == "" || !r.Valid() || r == access.RSLOfficer {
				t.Fatalf("%q: group %q role %q", raw, g, r)
			}
		}
	})
}
