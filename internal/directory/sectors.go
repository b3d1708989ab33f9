package directory

// An organisation's sector, used by the training reports to say which sectors' staff were
// trained (the partnership counts "social work, police, health visitors ..."). It is set by an
// admin on the agency's form; it is not the agency's kind (a council team may be housing or
// social work; a domestic abuse service and a helpline are both the third sector).

// Sectors in the order forms and reports offer them, with the words people read. The values
// are the agencies.sector CHECK.
var Sectors = []struct {
	Value string
	Label string
}{
	{"housing", "Housing (council)"},
	{"rsl", "Housing association (RSL)"},
	{"police", "Police"},
	{"health", "Health"},
	{"social_work", "Social work"},
	{"education", "Education"},
	{"third_sector", "Third sector"},
	{"other", "Other"},
}

// SectorValues lists the values a sector may take.
func SectorValues() []string {
	out := make([]string, len(Sectors))
	for i, s := range Sectors {
		out[i] = s.Value
	}
	return out
}

// SectorLabel is how a sector reads on a page.
func SectorLabel(v string) string {
	for _, s := range Sectors {
		if s.Value == v {
			return s.Label
		}
	}
	return v
}

// SectorForKind is the sector a new organisation of kind starts with on the admin's form.
func SectorForKind(kind string) string {
	switch kind {
	case "rsl", "police", "health":
		return kind
	case "da_agency", "helpline":
		return "third_sector"
	}
	return "other"
}
