//! Who may do what in a tenant's admin (#14). Every member has one [`Role`]; every admin route
//! (and every action of a route that does several things) names the [`Access`] it needs; the
//! guard ([`super::guard`]) compares the two, so the permission matrix is this file and nothing
//! else. Hiring managers are also limited to the jobs they are on ([`super::guard::JobScope`]).

use crate::text_enum;

text_enum! {
    /// A member's role in their tenant.
    pub enum Role {
        Owner => "owner",
        Recruiter => "recruiter",
        HiringManager => "hiring_manager",
    }
}

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Role::Owner => "Owner",
            Role::Recruiter => "Recruiter",
            Role::HiringManager => "Hiring manager",
        }
    }

    /// What the role may do, in a sentence (the team page and the invitation say it).
    pub fn summary(self) -> &'static str {
        match self {
            Role::Owner => "Everything, including the team and the audit log.",
            Role::Recruiter => "Jobs, applications, candidate emails and the career page.",
            Role::HiringManager => {
                "Reads the applications of the jobs they are on; adds notes and scorecards."
            }
        }
    }

    /// Whether a member of this role may use something that needs `access`.
    pub fn may(self, access: Access) -> bool {
        match access {
            Access::Anyone | Access::Member => true,
            Access::Staff => matches!(self, Role::Owner | Role::Recruiter),
            Access::Owner => self == Role::Owner,
        }
    }

    /// Whether the role sees every job's applications (else only the jobs they are on).
    pub fn sees_every_job(self) -> bool {
        self != Role::HiringManager
    }
}

/// What a route or an action needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// No sign-in (the login, password reset and invitation forms).
    Anyone,
    /// Any signed-in member (hiring managers only within their jobs).
    Member,
    /// Owners and recruiters: jobs, applications' stages, candidate mail, the career page.
    Staff,
    /// Owners: the team and the audit log.
    Owner,
}

impl Access {
    /// Who has it, for refusal messages.
    pub fn who(self) -> &'static str {
        match self {
            Access::Anyone | Access::Member => "every member",
            Access::Staff => "owners and recruiters",
            Access::Owner => "owners",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_matrix() {
        use Access::*;
        let table = [
            (Role::Owner, [true, true, true, true]),
            (Role::Recruiter, [true, true, true, false]),
            (Role::HiringManager, [true, true, false, false]),
        ];
        for (role, allowed) in table {
            for (access, want) in [Anyone, Member, Staff, Owner].into_iter().zip(allowed) {
                assert_eq!(role.may(access), want, "{role:?} {access:?}");
            }
        }
        assert!(!Role::HiringManager.sees_every_job());
        assert!(Role::Recruiter.sees_every_job());
    }
}
