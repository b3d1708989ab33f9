// Package access says who is looking: every feature query takes a Viewer and decides in its
// SQL what that viewer may see.
package access

// Role is what a signed-in person may do. Anonymous visitors have no role.
type Role string

const (
	Anonymous    Role = ""
	Admin        Role = "admin"
	Champion     Role = "champion"
	HousingStaff Role = "housing_staff"
	RSLOfficer   Role = "rsl_officer"
)

// Roles lists the roles a user account may hold, most powerful first.
var Roles = []Role{Admin, Champion, HousingStaff, RSLOfficer}

// Valid reports whether r is a role an account may hold.
func (r Role) Valid() bool {
	for _, x := range Roles {
		if r == x {
			return true
		}
	}
	return false
}

// Label is how the role reads on a page ("Housing domestic abuse champion"); an unknown role
// reads as it is, and no role as "".
func (r Role) Label() string {
	switch r {
	case Admin:
		return "Administrator"
	case Champion:
		return "Housing domestic abuse champion"
	case HousingStaff:
		return "Housing staff"
	case RSLOfficer:
		return "RSL officer"
	}
	return string(r)
}

// Viewer is the person a request is for. The zero Viewer is an anonymous member of the public.
type Viewer struct {
	UserID   int64
	Role     Role
	AgencyID int64 // the organisation of an RSL officer; 0 otherwise
}

// Public is the anonymous viewer.
var Public = Viewer{}

// IsStaff reports whether the viewer is signed in: every role sees staff-only entries.
func (v Viewer) IsStaff() bool { return v.UserID != 0 && v.Role.Valid() }

// IsAdmin reports whether the viewer curates the whole directory.
func (v Viewer) IsAdmin() bool { return v.IsStaff() && v.Role == Admin }

// EditScope is what v may change, as the editing queries' rules take it: own is the one
// organisation an RSL officer keeps (0 for anyone else), and all is whether v curates every
// organisation's rows (admins). Anyone else gets (0, false), which no row matches: deny by
// default.
func (v Viewer) EditScope() (own int64, all bool) {
	switch {
	case !v.IsStaff():
		return 0, false
	case v.IsAdmin():
		return 0, true
	case v.Role == RSLOfficer:
		return v.AgencyID, false
	}
	return 0, false
}
