//! Listing a conference's participants: one page through the generated
//! request, or every participant as a stream that follows `next_page_uri`
//! (paging is what the generator knows nothing of).

use std::collections::HashSet;

use futures_util::{Stream, TryStreamExt, stream};

use crate::spec_facts::fields;
use crate::transport::hooks::Bounds;
use crate::wire::ids::parse;
use crate::{Client, Error, builder, types};

/// The participants of one conference, with filters and a page size: read
/// one page with [`page`](Self::page), or all of them with
/// [`stream`](Self::stream).
///
/// ```no_run
/// use futures_util::TryStreamExt;
///
/// # async fn run(client: signalwire_participants::Client) -> Result<(), signalwire_participants::Error> {
/// let muted: Vec<_> = client
///     .participants("CF0123456789abcdef0123456789abcdef")?
///     .muted(true)
///     .page_size(100)
///     .stream()
///     .try_collect()
///     .await?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Participants<'a> {
    pub(crate) client: &'a Client,
    pub(crate) conference_sid: types::ConferenceSid,
    request: builder::ListParticipants<'a>,
    /// Whether the caller chose a page size (a whole-conference action
    /// otherwise reads the largest pages the spec allows).
    pub(crate) page_size_set: bool,
}

impl Client {
    /// The participants of a conference of this client's own account.
    pub fn participants(&self, conference_sid: &str) -> Result<Participants<'_>, Error> {
        let account = parse(self.account_sid())?;
        Ok(Participants::of(self, account, parse(conference_sid)?))
    }
}

impl<'a> Participants<'a> {
    /// The participants of a conference whose ids are checked.
    pub(crate) fn of(
        client: &'a Client,
        account_sid: types::AccountSid,
        conference_sid: types::ConferenceSid,
    ) -> Self {
        let request = client.list_participants().account_sid(account_sid);
        Participants {
            client,
            request: request.conference_sid(conference_sid.clone()),
            conference_sid,
            page_size_set: false,
        }
    }

    /// Only the participants that are (`true`) or are not (`false`) muted.
    pub fn muted(self, muted: bool) -> Self {
        self.with(|r| r.muted(muted))
    }

    /// Only the participants that are (or are not) on hold.
    pub fn hold(self, hold: bool) -> Self {
        self.with(|r| r.hold(hold))
    }

    /// Only the participants that are (or are not) coaching (Twilio only).
    pub fn coaching(self, coaching: bool) -> Self {
        self.with(|r| r.coaching(coaching))
    }

    /// How many participants a page holds: 1 to 1000 (the service assumes 50;
    /// 0 is refused before sending, more than 1000 by the service).
    pub fn page_size(self, size: u64) -> Self {
        Participants {
            page_size_set: true,
            ..self.with(|r| r.page_size(size))
        }
    }

    fn with(
        self,
        f: impl FnOnce(builder::ListParticipants<'a>) -> builder::ListParticipants<'a>,
    ) -> Self {
        Participants {
            request: f(self.request),
            ..self
        }
    }

    /// The first page, with its paging fields (`next_page_uri`, `page`...).
    pub async fn page(&self) -> Result<types::ParticipantPage, Error> {
        Ok(self.request.clone().send().await?.into_inner())
    }

    /// Every participant, page after page: each page is fetched when the
    /// stream reaches it, by following the previous page's `next_page_uri`
    /// (see [`Error::Paging`] for the ones refused).
    pub fn stream(self) -> impl Stream<Item = Result<types::Participant, Error>> + 'a {
        pages(self.client, self.request, Bounds::default())
    }
}

/// A generated list request, as paging needs it: where a page starts, and
/// the page's items and `next_page_uri`. The three lists of the spec are
/// paged alike (D23); the generator knows nothing of paging.
pub(crate) trait Listing: Clone + Send {
    /// What a page lists.
    type Item: Send;
    /// The request for the page at `page` (and `PageToken`).
    fn page(self, page: u64) -> Self;
    /// The request with `PageToken` set.
    fn page_token(self, token: String) -> Self;
    /// Fetches the page: its items and its `next_page_uri`.
    fn fetch(self)
    -> impl Future<Output = Result<(Vec<Self::Item>, Option<String>), Error>> + Send;
}

/// A [`Listing`] for a generated list builder: its page type's item field.
macro_rules! listing {
    ($builder:ident, $item:ty, $items:ident) => {
        impl Listing for builder::$builder<'_> {
            type Item = $item;
            fn page(self, page: u64) -> Self {
                builder::$builder::page(self, page)
            }
            fn page_token(self, token: String) -> Self {
                builder::$builder::page_token(self, token)
            }
            async fn fetch(self) -> Result<(Vec<$item>, Option<String>), Error> {
                let page = self.send().await?.into_inner();
                Ok((page.$items.unwrap_or_default(), page.next_page_uri))
            }
        }
    };
}
listing!(ListParticipants, types::Participant, participants);
listing!(ListConferences, types::Conference, conferences);
listing!(
    ListConferenceRecordings,
    types::ConferenceRecording,
    recordings
);

/// Every item of a list, page after page, each page fetched (with the
/// date bounds, which the hook adds) when the stream reaches it, by
/// following the previous page's `next_page_uri`.
pub(crate) fn pages<'a, L: Listing + 'a>(
    client: &'a Client,
    request: L,
    bounds: Bounds,
) -> impl Stream<Item = Result<L::Item, Error>> + 'a {
    // The state: the request for the next page and the `next_page_uri`
    // that names it (none for the first), and every one followed so far.
    let start = (Some((request, None::<String>)), HashSet::new());
    let pages = stream::try_unfold(start, move |(next, mut seen)| {
        let bounds = bounds.clone();
        async move {
            let Some((request, uri)) = next else {
                return Ok(None);
            };
            let request = match uri {
                None => request,
                Some(uri) if !seen.insert(uri.clone()) => {
                    return Err(Error::paging(uri, "it repeats a page already read"));
                }
                Some(uri) => following(client, request, &uri)?,
            };
            let (items, next) = bounds.around(request.clone().fetch()).await?;
            let next = next.map(|uri| (request, Some(uri)));
            Ok(Some((
                stream::iter(items.into_iter().map(Ok)),
                (next, seen),
            )))
        }
    });
    Box::pin(pages.try_flatten())
}

/// The request for the page `next_page_uri` names. Both providers give it as
/// a path on their host: it is resolved against the scheme, host and port of
/// the base URL (D23), and refused if it names any other.
fn following<L: Listing>(client: &Client, request: L, uri: &str) -> Result<L, Error> {
    let refuse = |reason| Error::paging(uri.into(), reason);
    let base =
        url::Url::parse(&client.baseurl).map_err(|_| refuse("the base URL does not parse"))?;
    let next = base.join(uri).map_err(|_| refuse("it is not a URI"))?;
    if next.origin() != base.origin() {
        return Err(refuse("it names another host or scheme"));
    }
    next.query_pairs()
        .try_fold(request, |request, (key, value)| match key.as_ref() {
            fields::PAGE => value
                .parse::<u64>()
                .map(|p| request.page(p))
                .map_err(|_| refuse("its Page is not a number")),
            fields::PAGE_TOKEN => Ok(request.page_token(value.into_owned())),
            _ => Ok(request),
        })
}
