//! The classification corpus: real User-Agent strings and what each must be.

use super::*;
use Browser as B;
use Device::{Desktop, Mobile, Tablet};
use Os as O;
use Platform::{Android, Ios, Web};

/// (User-Agent, device, platform, browser, OS) for people.
const PEOPLE: &[(&str, Device, Platform, Browser, Os)] = &[
    // Desktop browsers.
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36", Desktop, Web, B::Chrome, O::Windows),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36", Desktop, Web, B::Chrome, O::MacOs),
    ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36", Desktop, Web, B::Chrome, O::Linux),
    ("Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36", Desktop, Web, B::Chrome, O::ChromeOs),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15", Desktop, Web, B::Safari, O::MacOs),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0", Desktop, Web, B::Firefox, O::Windows),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14.4; rv:125.0) Gecko/20100101 Firefox/125.0", Desktop, Web, B::Firefox, O::MacOs),
    ("Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0", Desktop, Web, B::Firefox, O::Linux),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51", Desktop, Web, B::Edge, O::Windows),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.2478.51", Desktop, Web, B::Edge, O::MacOs),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/70.0.3538.102 Safari/537.36 Edge/18.19045", Desktop, Web, B::Edge, O::Windows),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 OPR/109.0.0.0", Desktop, Web, B::Opera, O::Windows),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0.0.0 YaBrowser/24.4.0.0 Safari/537.36", Desktop, Web, B::Yandex, O::Windows),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Vivaldi/6.7.3329.21", Desktop, Web, B::Vivaldi, O::Windows),
    ("Mozilla/5.0 (Windows NT 10.0; WOW64; Trident/7.0; rv:11.0) like Gecko", Desktop, Web, B::InternetExplorer, O::Windows),
    ("Mozilla/4.0 (compatible; MSIE 8.0; Windows NT 6.1; Trident/4.0)", Desktop, Web, B::InternetExplorer, O::Windows),
    // Phones.
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Mobile/15E148 Safari/604.1", Mobile, Ios, B::Safari, O::Ios),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1", Mobile, Ios, B::Chrome, O::Ios),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) FxiOS/125.0 Mobile/15E148 Safari/605.1.15", Mobile, Ios, B::Firefox, O::Ios),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 EdgiOS/124.2478.50 Mobile/15E148 Safari/605.1.15", Mobile, Ios, B::Edge, O::Ios),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 OPT/4.3.0 Safari/604.1", Mobile, Ios, B::Opera, O::Ios),
    ("Mozilla/5.0 (iPod touch; CPU iPhone OS 12_5_7 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/12.1.2 Mobile/15E148 Safari/604.1", Mobile, Ios, B::Safari, O::Ios),
    ("Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36", Mobile, Android, B::Chrome, O::Android),
    ("Mozilla/5.0 (Linux; Android 14; Pixel 8 Pro) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36", Mobile, Android, B::Chrome, O::Android),
    ("Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Mobile Safari/537.36", Mobile, Android, B::SamsungInternet, O::Android),
    ("Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0", Mobile, Android, B::Firefox, O::Android),
    ("Mozilla/5.0 (Linux; Android 10; HD1913) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36 EdgA/124.0.2478.64", Mobile, Android, B::Edge, O::Android),
    ("Mozilla/5.0 (Linux; Android 10; VOG-L29) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36 OPR/81.1.4292.78446", Mobile, Android, B::Opera, O::Android),
    ("Mozilla/5.0 (Linux; U; Android 10; en-US; RMX1911 Build/QKQ1.200209.002) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/78.0.3904.108 UCBrowser/13.4.0.1306 Mobile Safari/537.36", Mobile, Android, B::UcBrowser, O::Android),
    ("Opera/9.80 (J2ME/MIDP; Opera Mini/9.80 (S60; SymbOS; Opera Mobi/23.348; U; en) Presto/2.5.25 Version/10.54", Mobile, Web, B::Opera, O::Other),
    ("Mozilla/5.0 (Windows Phone 10.0; Android 6.0.1; Microsoft; Lumia 950) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/52.0.2743.116 Mobile Safari/537.36 Edge/15.15063", Mobile, Web, B::Edge, O::Windows),
    ("Mozilla/5.0 (Linux; Android 10; CUBOT X30) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36", Mobile, Android, B::Chrome, O::Android),
    // In-app browsers and native apps.
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 Instagram 329.0.3.29.120 (iPhone15,3; iOS 17_4; en_US; en; scale=3.00; 1290x2796; 590391250)", Mobile, Ios, B::Instagram, O::Ios),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 [FBAN/FBIOS;FBAV/460.0.0.48.109;FBBV/588363497;FBDV/iPhone15,2;FBMD/iPhone;FBSN/iOS;FBSV/17.4;FBSS/3;FBID/phone;FBLC/en_US;FBOP/5]", Mobile, Ios, B::Facebook, O::Ios),
    ("Mozilla/5.0 (Linux; Android 14; SM-S911B Build/UP1A.231005.007; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/124.0.6367.82 Mobile Safari/537.36 [FB_IAB/FB4A;FBAV/460.0.0.48.109;]", Mobile, Android, B::Facebook, O::Android),
    ("Mozilla/5.0 (Linux; Android 13; Pixel 7 Build/TQ3A.230805.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/124.0.6367.82 Mobile Safari/537.36 Instagram 329.0.0.41.93 Android", Mobile, Android, B::Instagram, O::Android),
    ("Mozilla/5.0 (Linux; Android 13; Pixel 7 Build/TQ3A.230805.001; wv) AppleWebKit/537.36 (KHTML, like Gecko) Version/4.0 Chrome/124.0.6367.82 Mobile Safari/537.36", Mobile, Android, B::AndroidWebView, O::Android),
    ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148", Mobile, Ios, B::Other, O::Ios),
    ("MyShop/3.2.1 (com.example.shop; build:412; iOS 17.4.1) CFNetwork/1494.0.7 Darwin/23.4.0", Mobile, Ios, B::Other, O::Ios),
    ("Dalvik/2.1.0 (Linux; U; Android 13; SM-A536B Build/TP1A.220624.014)", Mobile, Android, B::Other, O::Android),
    // Tablets.
    ("Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1", Tablet, Ios, B::Safari, O::Ios),
    ("Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/124.0.6367.88 Mobile/15E148 Safari/604.1", Tablet, Ios, B::Chrome, O::Ios),
    ("Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36", Tablet, Android, B::Chrome, O::Android),
    ("Mozilla/5.0 (Linux; Android 13; SM-X700) AppleWebKit/537.36 (KHTML, like Gecko) SamsungBrowser/24.0 Chrome/117.0.0.0 Safari/537.36", Tablet, Android, B::SamsungInternet, O::Android),
    ("Mozilla/5.0 (Android 14; Tablet; rv:125.0) Gecko/125.0 Firefox/125.0", Tablet, Android, B::Firefox, O::Android),
    ("Mozilla/5.0 (Linux; Android 11; KFTRWI) AppleWebKit/537.36 (KHTML, like Gecko) Silk/124.2.1 like Chrome/124.0.6367.82 Safari/537.36", Tablet, Android, B::Chrome, O::Android),
];

/// Crawlers, link-preview fetchers and HTTP libraries.
const BOTS: &[&str] = &[
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.82 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)",
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "Slack-ImgProxy (+https://api.slack.com/robots)",
    "Twitterbot/1.0",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "WhatsApp/2.23.20.0",
    "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "TelegramBot (like TwitterBot)",
    "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
    "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
    "Mozilla/5.0 (compatible; DuckDuckBot-Https/1.1; https://duckduckgo.com/duckduckbot)",
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.0; +https://openai.com/gptbot)",
    "Mozilla/5.0 (Linux; Android 5.0) AppleWebKit/537.36 (KHTML, like Gecko) Mobile Safari/537.36 (compatible; Bytespider; spider-feedback@bytedance.com)",
    "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.6367.60 Safari/537.36",
    "curl/8.4.0",
    "Wget/1.21.4",
    "python-requests/2.31.0",
    "Python-urllib/3.11",
    "Go-http-client/2.0",
    "okhttp/4.12.0",
    "node-fetch/1.0 (+https://github.com/bitinn/node-fetch)",
    "axios/1.6.8",
    "Java/17.0.9",
    "Apache-HttpClient/4.5.14 (Java/17.0.9)",
    "PostmanRuntime/7.37.3",
];

#[test]
fn corpus_people_are_classified_as_expected() {
    for &(ua, device, platform, browser, os) in PEOPLE {
        let expected = Client {
            device,
            platform,
            browser,
            os,
            is_bot: false,
        };
        assert_eq!(classify(ua, false), expected, "{ua}");
    }
}

#[test]
fn corpus_bots_are_bots() {
    for ua in BOTS {
        assert!(classify(ua, false).is_bot, "{ua}");
    }
}

#[test]
fn corpus_has_at_least_fifty_real_user_agents() {
    assert!(PEOPLE.len() + BOTS.len() >= 50);
}

#[test]
fn an_empty_user_agent_is_a_bot() {
    assert!(classify("", false).is_bot);
    assert!(classify("   ", false).is_bot);
}

#[test]
fn a_head_request_is_a_bot_even_from_a_browser() {
    let (ua, ..) = PEOPLE[0];
    assert!(classify(ua, true).is_bot);
}

#[test]
fn matching_ignores_case() {
    let client = classify(
        "MOZILLA/5.0 (IPHONE; CPU IPHONE OS 17_4 LIKE MAC OS X) MOBILE/15E148 SAFARI/604.1",
        false,
    );
    assert_eq!(
        (client.device, client.platform, client.browser),
        (Mobile, Ios, B::Safari)
    );
    assert!(classify("GOOGLEBOT/2.1", false).is_bot);
}

#[test]
fn unknown_agents_fall_back_to_desktop_web_other() {
    let expected = Client {
        device: Desktop,
        platform: Web,
        browser: B::Other,
        os: O::Other,
        is_bot: false,
    };
    assert_eq!(classify("SomeTV/1.0 (Tizen)", false), expected);
}

#[test]
fn names_serialize_as_reported() {
    assert_eq!(
        serde_json::to_value(B::SamsungInternet).unwrap(),
        "Samsung Internet"
    );
    assert_eq!(serde_json::to_value(O::MacOs).unwrap(), "macOS");
    assert_eq!(serde_json::to_value(Tablet).unwrap(), "tablet");
    assert_eq!(serde_json::to_value(Android).unwrap(), "android");
}

/// Pieces of real User-Agents, so generated ones reach the deeper branches.
const TOKENS: [&str; 24] = [
    "Mozilla/5.0 ",
    "(",
    ")",
    "; ",
    "iPhone",
    "iPad",
    "Android 14",
    "Mobile",
    "Tablet",
    "Windows NT 10.0",
    "Macintosh",
    "CrOS",
    "Linux",
    "AppleWebKit/605.1.15",
    "Chrome/126.0",
    "Safari/604.1",
    "Edg/126",
    "OPR/100",
    "SamsungBrowser/25",
    "Firefox/127",
    "bot",
    "curl/8",
    "FBAN/",
    "Version/17",
];

proptest::proptest! {
    #[test]
    fn classifying_arbitrary_text_never_panics(ua in "(?s).{0,300}", head: bool) {
        let _ = classify(&ua, head);
    }

    #[test]
    fn shuffled_user_agent_pieces_classify_consistently(
        pieces in proptest::collection::vec(proptest::sample::select(&TOKENS[..]), 0..12),
        noise in "(?s).{0,8}",
    ) {
        let ua = pieces.concat() + &noise;
        let client = classify(&ua, false);
        let platform = match client.os {
            O::Ios => Ios,
            O::Android => Android,
            _ => Web,
        };
        proptest::prop_assert_eq!(client.platform, platform);
        // HEAD is always a bot, whatever the User-Agent says.
        proptest::prop_assert!(classify(&ua, true).is_bot);
    }
}

#[test]
fn the_memo_classifies_every_corpus_string_as_classify_does() {
    let mut memo = ClientMemo::default();
    let strings = PEOPLE.iter().map(|p| p.0).chain(UNFURLERS.iter().copied());
    for ua in strings.clone().chain(strings) {
        for head in [false, true] {
            assert_eq!(memo.classify(ua, head), classify(ua, head), "{ua}");
        }
    }
}

#[test]
fn the_memo_counts_a_head_request_as_a_bot_even_for_a_remembered_browser() {
    let mut memo = ClientMemo::default();
    let browser = PEOPLE[0].0;
    assert!(!memo.classify(browser, false).is_bot);
    assert!(memo.classify(browser, true).is_bot);
    assert!(!memo.classify(browser, false).is_bot);
}

#[test]
fn a_browsers_first_head_request_does_not_make_its_later_gets_bots() {
    let mut memo = ClientMemo::default();
    let browser = PEOPLE[0].0;
    assert!(memo.classify(browser, true).is_bot);
    assert!(!memo.classify(browser, false).is_bot);
}

#[test]
fn the_memo_stays_within_its_capacity() {
    let mut memo = ClientMemo::default();
    for n in 0..3 * ClientMemo::CAPACITY {
        memo.classify(&format!("Agent/{n}"), false);
    }
    assert!(memo.clients.len() <= ClientMemo::CAPACITY);
    let long = "x".repeat(ClientMemo::LONGEST + 1);
    memo.classify(&long, false);
    assert!(!memo.clients.contains_key(&long));
}

/// Link-unfurling bots, as they announce themselves.
const UNFURLERS: &[&str] = &[
    "Twitterbot/1.0",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "facebookexternalhit/1.1;line-poker/1.0",
    "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
    "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
    "Slack-ImgProxy (+https://api.slack.com/robots)",
    "Mozilla/5.0 (compatible; Discordbot/2.0; +https://discordapp.com)",
    "TelegramBot (like TwitterBot)",
    "WhatsApp/2.23.20.0 A",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)",
    "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5 skype-url-preview@microsoft.com",
    "Mozilla/5.0 (compatible; Pinterestbot/1.0; +http://www.pinterest.com/bot.html)",
    "Mozilla/5.0 (compatible; redditbot/1.0; +http://www.reddit.com/feedback)",
    "http.rb/5.1.1 (Mastodon/4.2.1; +https://mastodon.social/)",
    "Mozilla/5.0 (compatible; Bluesky Cardyb/1.1; +mailto:support@bsky.app)",
    "Mozilla/5.0 (compatible; Embedly/0.2; +http://support.embed.ly/)",
    "Iframely/1.3.1 (+https://iframely.com/docs/about)",
];

#[test]
fn unfurlers_are_recognised_and_are_bots() {
    for ua in UNFURLERS {
        assert!(is_unfurler(ua), "{ua}");
        assert!(classify(ua, false).is_bot, "{ua}");
    }
}

#[test]
fn people_and_other_bots_are_not_unfurlers() {
    for (ua, ..) in PEOPLE {
        assert!(!is_unfurler(ua), "{ua}");
    }
    for ua in [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "curl/8.4.0",
        "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
        "",
    ] {
        assert!(!is_unfurler(ua), "{ua}");
    }
}
