//! User-Agent classification for click analytics: device class, platform,
//! browser and OS families, and whether the request came from a bot.
//!
//! Every decision is an ordered rule table matched against the lowercased
//! User-Agent; the first rule with a matching token wins, so more specific
//! families (Edge, Opera, in-app browsers) sit above the engines they embed
//! (Chrome, Safari). Matching is substring-only, so no input can panic.
//!
//! Known blind spot: iPadOS 13+ Safari sends a macOS desktop UA by default,
//! so those iPads count as desktop/macOS/web; no header can tell them apart.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

/// The form factor a click came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Device {
    Desktop,
    Mobile,
    Tablet,
}

/// The platform of DESIGN.md's per-device targets and the SmartLinks
/// `metrics.platforms` object: iOS, Android, or anything else ("web").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Platform {
    Ios,
    Android,
    Web,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Browser {
    Chrome,
    Safari,
    Firefox,
    Edge,
    Opera,
    #[serde(rename = "Samsung Internet")]
    SamsungInternet,
    #[serde(rename = "Yandex Browser")]
    Yandex,
    #[serde(rename = "UC Browser")]
    UcBrowser,
    Vivaldi,
    #[serde(rename = "Internet Explorer")]
    InternetExplorer,
    #[serde(rename = "Android WebView")]
    AndroidWebView,
    Instagram,
    Facebook,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Os {
    #[serde(rename = "iOS")]
    Ios,
    Android,
    Windows,
    #[serde(rename = "macOS")]
    MacOs,
    Linux,
    #[serde(rename = "ChromeOS")]
    ChromeOs,
    Other,
}

/// Everything analytics needs to know about the client of one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Client {
    pub device: Device,
    pub platform: Platform,
    pub browser: Browser,
    pub os: Os,
    /// Crawlers, link-preview fetchers, HTTP libraries, empty UAs and HEAD
    /// requests: counted apart, never as clicks or unique visitors.
    pub is_bot: bool,
}

impl Device {
    pub fn as_str(self) -> &'static str {
        match self {
            Device::Desktop => "desktop",
            Device::Mobile => "mobile",
            Device::Tablet => "tablet",
        }
    }
}

impl Platform {
    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Ios => "ios",
            Platform::Android => "android",
            Platform::Web => "web",
        }
    }
}

impl Browser {
    pub fn as_str(self) -> &'static str {
        match self {
            Browser::Chrome => "Chrome",
            Browser::Safari => "Safari",
            Browser::Firefox => "Firefox",
            Browser::Edge => "Edge",
            Browser::Opera => "Opera",
            Browser::SamsungInternet => "Samsung Internet",
            Browser::Yandex => "Yandex Browser",
            Browser::UcBrowser => "UC Browser",
            Browser::Vivaldi => "Vivaldi",
            Browser::InternetExplorer => "Internet Explorer",
            Browser::AndroidWebView => "Android WebView",
            Browser::Instagram => "Instagram",
            Browser::Facebook => "Facebook",
            Browser::Other => "Other",
        }
    }
}

impl Os {
    pub fn as_str(self) -> &'static str {
        match self {
            Os::Ios => "iOS",
            Os::Android => "Android",
            Os::Windows => "Windows",
            Os::MacOs => "macOS",
            Os::Linux => "Linux",
            Os::ChromeOs => "ChromeOS",
            Os::Other => "Other",
        }
    }
}

/// Tokens of known automated clients, lowercased. Named services come first
/// for readability; the generic tokens at the end catch the long tail.
/// `okhttp` and `java/` are libraries, not people: a person tapping a link in
/// an Android app lands in a browser or a WebView, which sends a browser UA.
const BOT_TOKENS: &[&str] = &[
    // Link-preview fetchers of chat and social apps.
    "facebookexternalhit",
    "facebookcatalog",
    "whatsapp",
    "slack-imgproxy",
    "skypeuripreview",
    "microsoftpreview",
    "iframely",
    "embedly",
    "vkshare",
    "quora link preview",
    "google-pagerenderer",
    "google-inspectiontool",
    "mediapartners-google",
    "apis-google",
    "yahoo! slurp",
    "ia_archiver",
    // HTTP libraries and tools.
    "curl/",
    "wget/",
    "python-requests",
    "python-urllib",
    "python-httpx",
    "aiohttp",
    "go-http-client",
    "okhttp",
    "node-fetch",
    "undici",
    "axios/",
    "got (",
    "java/",
    "apache-httpclient",
    "libwww-perl",
    "ruby",
    "guzzlehttp",
    "postmanruntime",
    "insomnia",
    "httpie",
    "headlesschrome",
    "phantomjs",
    "lighthouse",
    "pingdom",
    "uptimerobot",
    // Generic tokens: Googlebot, bingbot, Slackbot, Twitterbot, Discordbot,
    // LinkedInBot, TelegramBot, Applebot, Baiduspider, Bytespider, ...
    "crawler",
    "spider",
    "scraper",
    "preview",
    "http-client",
];

/// Link-unfurling bots: the fetchers chat and social apps send to build a
/// link's preview card, lowercased. They get a link's social preview
/// (`og`) instead of its redirect, and count as bots whether or not a
/// [`BOT_TOKENS`] entry matches them too.
const UNFURLER_TOKENS: &[&str] = &[
    "twitterbot",
    // Facebook, Messenger, Instagram; iMessage and LINE send it too.
    "facebookexternalhit",
    "facebookcatalog",
    "linkedinbot",
    "slackbot",
    "slack-imgproxy",
    "discordbot",
    "telegrambot",
    // WhatsApp's fetcher; Signal sends it as well.
    "whatsapp",
    "applebot",
    // Skype and Microsoft Teams.
    "skypeuripreview",
    "microsoftpreview",
    "bingpreview",
    "pinterestbot",
    "redditbot",
    "embedly",
    "iframely",
    "vkshare",
    "mastodon",
    "bluesky cardyb",
    "snap url preview",
    "kakaotalk-scrap",
    "quora link preview",
    // Google Chat and Google+ snippets.
    "google-pagerenderer",
    "bitlybot",
];

/// Whether the User-Agent is a link-unfurling bot ([`UNFURLER_TOKENS`]).
pub fn is_unfurler(user_agent: &str) -> bool {
    let ua = user_agent.trim().to_ascii_lowercase();
    UNFURLER_TOKENS.iter().any(|t| ua.contains(t))
}

/// Brand names that contain the generic `bot` token but are phones, lowercased.
const NOT_BOTS: &[&str] = &["cubot"];

/// Browser families, most specific first: Edge, Opera, Samsung Internet and
/// the in-app browsers all also carry `Chrome/` or `Safari/`.
const BROWSER_RULES: &[(&[&str], Browser)] = &[
    (&["instagram"], Browser::Instagram),
    (&["fban/", "fbav/", "fb_iab", "fbios"], Browser::Facebook),
    (&["edg/", "edga/", "edgios/", "edge/"], Browser::Edge),
    (&["opr/", "opera", "opios/", "opt/"], Browser::Opera),
    (&["samsungbrowser/"], Browser::SamsungInternet),
    (&["yabrowser/"], Browser::Yandex),
    (&["ucbrowser/", "ucweb"], Browser::UcBrowser),
    (&["vivaldi/"], Browser::Vivaldi),
    (&["firefox/", "fxios/"], Browser::Firefox),
    (&["msie ", "trident/"], Browser::InternetExplorer),
    (&["; wv)"], Browser::AndroidWebView),
    (&["crios/", "chrome/", "chromium/"], Browser::Chrome),
    (&["safari/"], Browser::Safari),
];

/// OS families. iOS precedes macOS (iPhone UAs say "like Mac OS X"), Windows
/// precedes Android (Windows Phone UAs mention Android), and ChromeOS and
/// Android precede Linux (both say "Linux"/"X11"). `cfnetwork/` is Apple's
/// networking stack as used by native iOS apps.
const OS_RULES: &[(&[&str], Os)] = &[
    (&["iphone", "ipad", "ipod", "cfnetwork/"], Os::Ios),
    (&["windows"], Os::Windows),
    (&["android"], Os::Android),
    (&["cros "], Os::ChromeOs),
    (&["macintosh", "mac os x"], Os::MacOs),
    (&["linux", "x11", "ubuntu", "fedora"], Os::Linux),
];

/// Tablets: iPads, tablets that say so, Kindles, and Android without "Mobile"
/// (Android's convention: phones send "Mobile", tablets do not).
const TABLET_TOKENS: &[&str] = &["ipad", "tablet", "kindle", "silk/", "playbook"];

/// Phones. Native apps (CFNetwork on iOS, Dalvik on Android) count as phones:
/// they cannot say which.
const MOBILE_TOKENS: &[&str] = &[
    "mobi",
    "iphone",
    "ipod",
    "windows phone",
    "opera mini",
    "cfnetwork/",
    "dalvik/",
];

/// Classifies one request. `method_is_head` is part of the input because a
/// HEAD to a short link is always a link checker or preview fetcher, never a
/// person; the caller passes `req.method() == Method::Head`.
pub fn classify(user_agent: &str, method_is_head: bool) -> Client {
    let ua = user_agent.trim().to_ascii_lowercase();
    let os = first_match(&ua, OS_RULES).unwrap_or(Os::Other);
    Client {
        device: device(&ua, os),
        platform: match os {
            Os::Ios => Platform::Ios,
            Os::Android => Platform::Android,
            _ => Platform::Web,
        },
        browser: first_match(&ua, BROWSER_RULES).unwrap_or(Browser::Other),
        os,
        is_bot: method_is_head || ua.is_empty() || is_bot_ua(&ua),
    }
}

/// Classifications of the User-Agents an isolate saw lately. Real traffic
/// repeats a few hundred strings, and classifying one costs about a hundred
/// substring searches; the memo makes a repeat a hash lookup. It holds at
/// most [`ClientMemo::CAPACITY`] strings of at most
/// [`ClientMemo::LONGEST`] bytes (about 0.5 MB) and starts over when full.
#[derive(Debug, Default)]
pub struct ClientMemo {
    clients: HashMap<String, Client>,
}

impl ClientMemo {
    pub const CAPACITY: usize = 1_024;
    pub const LONGEST: usize = 512;

    /// [`classify`], remembered. HEAD is applied after the lookup, so a
    /// User-Agent has one entry whatever the method.
    pub fn classify(&mut self, user_agent: &str, method_is_head: bool) -> Client {
        let client = match self.clients.get(user_agent) {
            Some(client) => *client,
            None => {
                let client = classify(user_agent, false);
                if user_agent.len() <= Self::LONGEST {
                    if self.clients.len() >= Self::CAPACITY {
                        self.clients.clear();
                    }
                    self.clients.insert(user_agent.to_owned(), client);
                }
                client
            }
        };
        Client {
            is_bot: client.is_bot || method_is_head,
            ..client
        }
    }
}

fn first_match<T: Copy>(ua: &str, rules: &[(&[&str], T)]) -> Option<T> {
    rules
        .iter()
        .find(|(tokens, _)| tokens.iter().any(|t| ua.contains(t)))
        .map(|&(_, value)| value)
}

fn device(ua: &str, os: Os) -> Device {
    let has = |tokens: &[&str]| tokens.iter().any(|t| ua.contains(t));
    // Dalvik is Android's HTTP stack inside apps: it never says "Mobile".
    let android_tablet = os == Os::Android && !ua.contains("mobile") && !ua.contains("dalvik/");
    if has(TABLET_TOKENS) || android_tablet {
        Device::Tablet
    } else if has(MOBILE_TOKENS) {
        Device::Mobile
    } else {
        Device::Desktop
    }
}

fn is_bot_ua(ua: &str) -> bool {
    BOT_TOKENS
        .iter()
        .chain(UNFURLER_TOKENS)
        .any(|t| ua.contains(t))
        || has_generic_bot_token(ua)
}

/// `bot` anywhere (Googlebot, AhrefsBot, GPTBot), except inside a phone brand.
fn has_generic_bot_token(ua: &str) -> bool {
    let mut rest = ua.to_owned();
    for brand in NOT_BOTS {
        rest = rest.replace(brand, "");
    }
    rest.contains("bot")
}

#[cfg(test)]
mod tests;
