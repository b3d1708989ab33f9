package access

import "testing"

func TestEditScope(t *testing.T) {
	for _, c := range []struct {
		name string
		v    Viewer
		own  int64
		all  bool
	}{
		{"the public", Public, 0, false},
		{"an officer", Viewer{UserID: 1, Role: RSLOfficer, AgencyID: 7}, 7, false},
		{"an admin", Viewer{UserID: 1, Role: Admin, AgencyID: 7}, 0, true},
		{"housing staff", Viewer{UserID: 1, Role: HousingStaff}, 0, false},
		{"a champion", Viewer{UserID: 1, Role: Champion}, 0, false},
		{"an unknown role", Viewer{UserID: 1, Role: "owner", AgencyID: 7}, 0, false},
		{"an admin not signed in", Viewer{Role: Admin}, 0, false},
	} {
		if own, all := c.v.EditScope(); own != c.own || all != c.all {
			t.Errorf("%s: EditScope() = %d, %v; want %d, %v", c.name, own, all, c.own, c.all)
		}
	}
}
