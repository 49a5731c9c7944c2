"""Shared World of Software page chrome (Foxiz 2.x): head, header, footer, sidebars, popups.

Used only by ``build.py`` to write the static mirror. The strings reproduce the seed dump's
boilerplate lines (SITES.md §4.3/§4.5), so every page of the mirror carries the same chrome.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass

ORIGIN = "https://worldofsoftware.org"
UPLOADS = f"{ORIGIN}/wp-content/uploads"
THEME = f"{ORIGIN}/wp-content/themes/foxiz"
SITE = "World of Software"
LOGO = f"{UPLOADS}/2023/09/wos-logo.png"
LOGO_DARK = f"{UPLOADS}/2023/09/wos-logo-light.png"


def esc(text: str) -> str:
    """Escape text for an HTML attribute or text node (quotes included)."""
    return html.escape(text, quote=True)


@dataclass(frozen=True)
class Link:
    """A teaser link in a sidebar, related list or listing."""

    title: str
    url: str
    category: str = "Software"
    category_url: str = "/category/software/"


def privacy_bar() -> str:
    return """<aside id="rb-privacy" class="privacy-bar privacy-top"><div class="privacy-inner"><div class="privacy-content">By using this site, you agree to the <a href="https://worldofsoftware.org/privacy-policy/">Privacy Policy</a> and <a href="https://worldofsoftware.org/terms-of-use/">Terms of Use</a>.</div>
<div class="privacy-dismiss"><a id="privacy-trigger" href="#" class="privacy-dismiss-btn is-btn"><span>Accept</span></a></div></div></aside>"""


def _menu(ul_id: str, ul_class: str) -> str:
    return f"""<ul id="{ul_id}" class="{ul_class}">
<li id="menu-item-101" class="menu-item menu-item-type-taxonomy menu-item-object-category menu-item-101"><a href="https://worldofsoftware.org/category/news/"><span>News</span></a></li>
<li id="menu-item-102" class="menu-item menu-item-type-taxonomy menu-item-object-category menu-item-102"><a href="https://worldofsoftware.org/category/software/"><span>Software</span></a></li>
<li id="menu-item-103" class="menu-item menu-item-type-taxonomy menu-item-object-category menu-item-103"><a href="/category/mobile/"><span>Mobile</span></a></li>
<li id="menu-item-104" class="menu-item menu-item-type-taxonomy menu-item-object-category menu-item-104"><a href="https://worldofsoftware.org/category/computing/"><span>Computing</span></a></li>
<li id="menu-item-105" class="menu-item menu-item-type-taxonomy menu-item-object-category menu-item-105"><a href="https://worldofsoftware.org/category/gaming/"><span>Gaming</span></a></li>
<li id="menu-item-106" class="menu-item menu-item-type-taxonomy menu-item-object-category menu-item-106"><a href="https://worldofsoftware.org/category/videos/"><span>Videos</span></a></li>
<li id="menu-item-107" class="menu-item menu-item-type-custom menu-item-object-custom menu-item-has-children menu-item-107"><a href="#"><span>More</span></a>
<ul class="sub-menu">
<li id="menu-item-108" class="menu-item menu-item-type-taxonomy menu-item-object-category menu-item-108"><a href="https://worldofsoftware.org/category/gadget/"><span>Gadget</span></a></li>
<li id="menu-item-109" class="menu-item menu-item-type-custom menu-item-object-custom menu-item-109"><a href="https://worldofsoftware.org/web-stories/"><span>Web Stories</span></a></li>
<li id="menu-item-110" class="menu-item menu-item-type-taxonomy menu-item-object-category menu-item-110"><a href="/category/trending/"><span>Trending</span></a></li>
<li id="menu-item-111" class="menu-item menu-item-type-taxonomy menu-item-object-category menu-item-111"><a href="https://worldofsoftware.org/category/press-release/"><span>Press Release</span></a></li>
</ul></li>
</ul>"""


def _collapse_footer() -> str:
    return """<div class="collapse-footer">
<div class="collapse-footer-menu"><ul id="menu-footer" class="collapse-footer-menu-inner">
<li class="menu-item"><a href="https://worldofsoftware.org/privacy-policy/"><span>Privacy</span></a></li>
<li class="menu-item"><a href="https://worldofsoftware.org/terms-of-use/"><span>Terms</span></a></li>
<li class="menu-item"><a href="https://worldofsoftware.org/advertise/"><span>Advertise</span></a></li>
<li class="menu-item"><a href="/contact/"><span>Contact</span></a></li>
</ul></div>
<div class="collapse-copyright">Copyright © All Rights Reserved. World of Software.</div>
</div>"""


def _search_form(extra_class: str) -> str:
    return f"""<div class="{extra_class}"><form method="get" action="https://worldofsoftware.org/" class="rb-search-form"><div class="search-form-inner"><span class="search-icon"><i class="rbi rbi-search" aria-hidden="true"></i></span><span class="search-text"><input type="text" class="field" placeholder="Search Headlines, News..." value="" name="s"></span><span class="rb-search-submit"><input type="submit" value="Search"><i class="rbi rbi-cright" aria-hidden="true"></i></span></div></form></div>"""


def _font_resizer(enabled: bool) -> str:
    if not enabled:
        return ""
    return """<div class="wnav-holder font-resizer"><a href="#" class="font-resizer-trigger" data-title="Font Resizer"><span class="screen-reader-text">Font Resizer</span><strong>Aa</strong></a></div>"""


def _sticky(title: str) -> str:
    """The sticky 'Reading: {title}' bar (single posts only)."""
    if not title:
        return ""
    return f"""<div id="s-title-sticky" class="s-title-sticky"><div class="s-title-sticky-left"><span class="sticky-title-label">Reading:</span> <span class="h4 sticky-title">{esc(title)}</span></div>
<div class="sticky-share-list"><div class="t-shared-header meta-text"><i class="rbi rbi-share" aria-hidden="true"></i><span class="share-label">Share</span></div><div class="sticky-share-list-items effect-fadeout is-color"><a class="share-action share-trigger icon-facebook" href="#" rel="nofollow"><i class="rbi rbi-facebook" aria-hidden="true"></i></a><a class="share-action share-trigger icon-twitter" href="#" rel="nofollow"><i class="rbi rbi-twitter" aria-hidden="true"></i></a></div></div></div>
"""


def desktop_header(title: str, font_resizer: bool = True) -> str:
    """The Foxiz header-set-1: logo, menu, 'More' panel, sticky title, right-side widgets."""
    return f"""<div id="site-header" class="header-wrap rb-section header-set-1 header-1 header-wrapper style-shadow">
<div id="navbar-outer" class="navbar-outer"><div id="sticky-holder" class="sticky-holder"><div class="navbar-wrap"><div class="rb-container edge-padding"><div class="navbar-inner">
<div class="navbar-left">
<div class="logo-wrap is-image-logo site-branding"><a href="https://worldofsoftware.org/" class="logo" title="World of Software"><img class="logo-default" data-mode="default" height="60" width="240" src="{LOGO}" alt="World of Software" decoding="async"><img class="logo-dark" data-mode="dark" height="60" width="240" src="{LOGO_DARK}" alt="World of Software" decoding="async"><img class="logo-transparent" height="60" width="240" src="{LOGO_DARK}" alt="World of Software" decoding="async"></a></div>
<nav id="site-navigation" class="main-menu-wrap" aria-label="main menu">{_menu("menu-main-1", "main-menu rb-menu large-menu")}</nav>
<div class="more-section-outer menu-has-child-flex menu-has-child-mega-columns layout-col-2"><a class="more-trigger icon-holder" href="#" data-title="More" aria-label="more"><span class="dots-icon"><span></span><span></span><span></span></span></a>
<div id="rb-more" class="more-section flex-dropdown"><div class="more-section-inner"><div class="more-content">
{_search_form("header-search-form is-form-layout")}
{_collapse_footer()}
</div></div></div></div>
{_sticky(title)}</div>
<div class="navbar-right">
<div class="wnav-holder widget-h-login header-dropdown-outer"><a href="https://worldofsoftware.org/wp-login.php" class="login-toggle is-login is-btn header-element" data-title="Sign In"><span>Sign In</span></a></div>
<div class="wnav-holder header-dropdown-outer"><a href="#" class="dropdown-trigger notification-icon notification-trigger" aria-label="notification"><span class="notification-icon-inner"><i class="rbi rbi-notification" aria-hidden="true"></i></span></a>
<div class="header-dropdown notification-dropdown"><div class="notification-popup"><div class="notification-header"><span class="h4">Notification</span> <a class="notification-url meta-text" href="https://worldofsoftware.org/my-bookmarks/">Show More</a></div><div class="notification-content"><div class="scroll-holder"><div class="rb-notification ecat-l-dot is-feat-right" data-interval="12"></div></div></div></div></div></div>
{_font_resizer(font_resizer)}
</div>
</div></div></div></div></div>
</div>"""


def mobile_header(font_resizer: bool = True) -> str:
    resizer = _font_resizer(font_resizer)
    return f"""<div id="header-mobile" class="header-mobile"><div class="header-mobile-wrap"><div class="mbnav edge-padding">
<div class="navbar-left"><div class="mobile-toggle-wrap"><a href="#" class="mobile-menu-trigger" aria-label="mobile trigger"><span class="burger-icon"><span></span><span></span><span></span></span></a></div>
<div class="mobile-logo-wrap is-image-logo site-branding"><a href="https://worldofsoftware.org/" title="World of Software"><img class="logo-default" data-mode="default" height="60" width="240" src="{LOGO}" alt="World of Software"><img class="logo-dark" data-mode="dark" height="60" width="240" src="{LOGO_DARK}" alt="World of Software"></a></div></div>
<div class="navbar-right">{resizer}</div>
</div>
<div class="mobile-qview"><ul id="menu-mobile-quick" class="mobile-qview-inner">
<li class="menu-item"><a href="https://worldofsoftware.org/category/software/"><span>Software</span></a></li>
<li class="menu-item"><a href="https://worldofsoftware.org/category/mobile/"><span>Mobile</span></a></li>
<li class="menu-item"><a href="https://worldofsoftware.org/category/computing/"><span>Computing</span></a></li>
<li class="menu-item"><a href="/category/gadget/"><span>Gadget</span></a></li>
<li class="menu-item"><a href="https://worldofsoftware.org/category/gaming/"><span>Gaming</span></a></li>
<li class="menu-item"><a href="https://worldofsoftware.org/category/videos/"><span>Videos</span></a></li>
</ul></div></div>
<div class="mobile-collapse"><div class="collapse-holder"><div class="collapse-inner">
{_search_form("mobile-search-form edge-padding")}
<nav class="mobile-menu-wrap edge-padding">{_menu("mobile-menu", "mobile-menu")}</nav>
<div class="collapse-sections">
<div class="mobile-login"><span class="mobile-login-title h6">Have an existing account?</span> <a href="https://worldofsoftware.org/wp-login.php" class="login-toggle is-login is-btn">Sign In</a></div>
<div class="mobile-socials"><span class="mobile-social-title h6">Follow US</span><a class="social-link-facebook" aria-label="Facebook" data-title="Facebook" href="https://www.facebook.com/worldofsoftware" target="_blank" rel="noopener nofollow"><i class="rbi rbi-facebook" aria-hidden="true"></i></a><a class="social-link-twitter" aria-label="X" data-title="X" href="https://twitter.com/worldofsoftware" target="_blank" rel="noopener nofollow"><i class="rbi rbi-twitter" aria-hidden="true"></i></a></div>
</div>
{_collapse_footer()}
</div></div></div></div>"""


def footer() -> str:
    return f"""<footer class="footer-wrap rb-section footer-etemplate">
<div data-elementor-type="wp-post" data-elementor-id="2051" class="elementor elementor-2051">
<div class="elementor-element e-con-full e-flex e-con e-parent">
<div class="elementor-widget elementor-widget-heading"><h2 class="elementor-heading-title elementor-size-default">//</h2></div>
<div class="elementor-widget elementor-widget-text-editor"><p>World of Software is your one-stop website for the latest tech news and updates, follow us now to get the news that matters to you.</p></div>
<div class="elementor-widget elementor-widget-foxiz-heading"><div class="block-h heading-layout-13"><div class="heading-inner"><h4 class="heading-title"><span>Quick Link</span></h4></div></div></div>
<div class="elementor-widget elementor-widget-foxiz-sidebar-menu"><ul class="sidebar-menu">
<li class="menu-item"><a href="https://worldofsoftware.org/privacy-policy/"><span>Privacy Policy</span></a></li>
<li class="menu-item"><a href="https://worldofsoftware.org/terms-of-use/"><span>Terms of use</span></a></li>
<li class="menu-item"><a href="https://worldofsoftware.org/advertise/"><span>Advertise</span></a></li>
<li class="menu-item"><a href="/contact/"><span>Contact</span></a></li>
</ul></div>
<div class="elementor-widget elementor-widget-foxiz-heading"><div class="block-h heading-layout-13"><div class="heading-inner"><h4 class="heading-title"><span>Topics</span></h4></div></div></div>
<div class="elementor-widget elementor-widget-foxiz-sidebar-menu"><ul class="sidebar-menu">
<li class="menu-item"><a href="https://worldofsoftware.org/category/computing/"><span>Computing</span></a></li>
<li class="menu-item"><a href="https://worldofsoftware.org/category/software/"><span>Software</span></a></li>
<li class="menu-item"><a href="https://worldofsoftware.org/category/press-release/"><span>Press Release</span></a></li>
<li class="menu-item"><a href="https://worldofsoftware.org/category/trending/"><span>Trending</span></a></li>
</ul></div>
<div class="elementor-widget elementor-widget-foxiz-heading"><div class="block-h heading-layout-13"><div class="heading-inner"><h4 class="heading-title"><span>Sign Up for Our Newsletter</span></h4></div></div></div>
<div class="elementor-widget elementor-widget-text-editor"><p>Subscribe to our newsletter to get our newest articles instantly!</p></div>
<div class="elementor-widget elementor-widget-shortcode"><form class="mc4wp-form" method="post"><input type="email" name="EMAIL" placeholder="Your email address" required><button type="submit" aria-label="subscribe"><i class="rbi rbi-plane" aria-hidden="true"></i></button></form></div>
<div class="elementor-widget elementor-widget-foxiz-logo"><div class="the-logo"><a href="https://worldofsoftware.org/"><img loading="lazy" decoding="async" src="{LOGO}" alt="World of Software" width="240" height="60"><img loading="lazy" decoding="async" class="logo-dark" src="{LOGO_DARK}" alt="World of Software" width="240" height="60"></a></div></div>
<div class="elementor-widget elementor-widget-heading"><span class="elementor-heading-title elementor-size-default">Follow US</span></div>
<div class="elementor-widget elementor-widget-foxiz-social-list"><div class="header-social-list"><a class="social-link-facebook" aria-label="Facebook" href="https://www.facebook.com/worldofsoftware" rel="noopener nofollow"><i class="rbi rbi-facebook" aria-hidden="true"></i></a><a class="social-link-twitter" aria-label="X" href="https://twitter.com/worldofsoftware" rel="noopener nofollow"><i class="rbi rbi-twitter" aria-hidden="true"></i></a></div></div>
<div class="elementor-widget elementor-widget-text-editor"><div class="copyright-text">Copyright © All Rights Reserved. World of Software.</div></div>
</div></div>
</footer>"""


def login_popup() -> str:
    return """<div id="rb-user-popup-form" class="rb-user-popup-form mfp-animation mfp-hide"><div class="user-popup-form-inner">
<div class="logo-popup-outer"><span class="logo-popup-heading h3">Welcome Back!</span><p class="logo-popup-description is-meta">Sign in to your account</p></div>
<div class="user-login-form"><form name="popup-form" id="popup-form" action="https://worldofsoftware.org/wp-login.php" method="post">
<p class="login-username"><label for="user_login">Username or Email Address</label><input type="text" name="log" id="user_login" autocomplete="username" class="input" value="" size="20"></p>
<p class="login-password"><label for="user_pass">Password</label><input type="password" name="pwd" id="user_pass" autocomplete="current-password" class="input" value="" size="20"></p>
<p class="login-remember"><label><input name="rememberme" type="checkbox" id="rememberme" value="forever"> Remember Me</label></p>
<p class="login-submit"><button type="submit" name="wp-submit" id="wp-submit" class="button button-primary" aria-label="Log In"></button><input type="hidden" name="redirect_to" value="https://worldofsoftware.org/"></p>
</form>
<div class="login-form-footer"><a href="https://worldofsoftware.org/wp-login.php?action=lostpassword">Lost your password?</a></div></div>
</div></div>"""


def scripts() -> str:
    return f"""<script type="text/javascript" id="foxiz-core-js-extra">
/* <![CDATA[ */
var foxizCoreParams = {{"ajaxurl":"https:\\/\\/worldofsoftware.org\\/wp-admin\\/admin-ajax.php","darkModeID":"RubyDarkMode"}};
/* ]]> */
</script>
<script type="text/javascript" src="{THEME}/assets/js/global.js?ver=2.3.5" id="foxiz-global-js"></script>"""


def sidebar(latest: list[Link]) -> str:
    """The single-post sidebar: 'Stay Connected' follower counts and a 'Latest News' list."""
    items = "\n".join(
        f"""<div class="p-wrap p-small p-list-small-2" data-pid="{1000 + i}"><div class="p-content"><h5 class="entry-title"><a class="p-url" href="{esc(link.url)}" rel="bookmark">{esc(link.title)}</a></h5>
<div class="p-meta"><div class="meta-inner is-meta"><span class="meta-el meta-category meta-bold"><a class="category-{i + 3}" href="{esc(link.category_url)}">{esc(link.category)}</a></span></div></div></div></div>"""
        for i, link in enumerate(latest)
    )
    return f"""<div class="sidebar-wrap single-sidebar"><div class="sidebar-inner clearfix">
<div id="widget-follower-2" class="widget rb-section w-sidebar clearfix widget-follower"><div class="block-h widget-heading heading-layout-2"><div class="heading-inner"><h4 class="heading-title"><span>Stay Connected</span></h4></div></div>
<div class="social-follower effect-fadeout">
<div class="follower-el fb-follower"><a target="_blank" href="https://facebook.com/worldofsoftware" class="follower-inner" rel="noopener nofollow"><span class="follower-icon"><i class="rbi rbi-facebook" aria-hidden="true"></i></span><span class="follower-meta"><span class="fntotal">248.1k</span> <span class="text-count">Like</span></span></a></div>
<div class="follower-el twitter-follower"><a target="_blank" href="https://twitter.com/worldofsoftware" class="follower-inner" rel="noopener nofollow"><span class="follower-icon"><i class="rbi rbi-twitter" aria-hidden="true"></i></span><span class="follower-meta"><span class="fntotal">69.1k</span> <span class="text-count">Follow</span></span></a></div>
<div class="follower-el pin-follower"><a target="_blank" href="https://pinterest.com/worldofsoftware" class="follower-inner" rel="noopener nofollow"><span class="follower-icon"><i class="rbi rbi-pinterest" aria-hidden="true"></i></span><span class="follower-meta"><span class="fntotal">134k</span> <span class="text-count">Pin</span></span></a></div>
<div class="follower-el instagram-follower"><a target="_blank" href="https://instagram.com/worldofsoftware" class="follower-inner" rel="noopener nofollow"><span class="follower-icon"><i class="rbi rbi-instagram" aria-hidden="true"></i></span><span class="follower-meta"><span class="fntotal">54.3k</span> <span class="text-count">Follow</span></span></a></div>
</div></div>
<div id="widget-post-3" class="widget rb-section w-sidebar clearfix widget-post"><div class="block-h widget-heading heading-layout-2"><div class="heading-inner"><h4 class="heading-title"><span>Latest News</span></h4></div></div>
<div class="block-wrap block-small block-list-small-2 rb-columns rb-col-1"><div class="block-inner">
{items}
</div></div></div>
</div></div>"""


def related(links: list[Link], heading: str = "You Might also Like") -> str:
    items = "\n".join(
        f"""<div class="p-wrap p-grid p-grid-small-1" data-pid="{2000 + i}"><div class="feat-holder overlay-text"><div class="p-featured"><a class="p-flink" href="{esc(link.url)}" title="{esc(link.title)}"><img loading="lazy" decoding="async" width="330" height="220" src="{UPLOADS}/2025/02/related-{i + 1}-330x220.jpg" class="featured-img wp-post-image" alt=""></a></div></div>
<div class="p-content"><div class="p-categories p-top"><a class="p-category category-id-4" href="{esc(link.category_url)}" rel="category">{esc(link.category)}</a></div>
<h4 class="entry-title"><a class="p-url" href="{esc(link.url)}" rel="bookmark">{esc(link.title)}</a></h4>
<div class="p-meta"><div class="meta-inner is-meta"><span class="meta-el meta-read">4 Min Read</span></div></div></div></div>"""
        for i, link in enumerate(links)
    )
    return f"""<aside class="sfoter-sec single-related"><div class="block-h heading-layout-1"><div class="heading-inner"><h3 class="heading-title"><span>{esc(heading)}</span></h3></div></div>
<div class="block-inner rb-columns rb-col-4">
{items}
</div></aside>"""


def jsonld(data: dict[str, object]) -> str:
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("/", "\\/")
    return f'<script type="application/ld+json">{text}</script>'


def org_jsonld() -> str:
    return jsonld(
        {
            "@context": "https://schema.org",
            "@type": "Organization",
            "legalName": SITE,
            "url": f"{ORIGIN}/",
            "logo": LOGO,
            "sameAs": ["https://www.facebook.com/worldofsoftware", "https://twitter.com/worldofsoftware"],
        }
    ) + "\n" + jsonld(
        {
            "@context": "https://schema.org",
            "@type": "WebSite",
            "@id": f"{ORIGIN}/#website",
            "url": f"{ORIGIN}/",
            "name": SITE,
            "potentialAction": {
                "@type": "SearchAction",
                "target": f"{ORIGIN}/?s={{search_term_string}}",
                "query-input": "required name=search_term_string",
            },
        }
    )


def head_common() -> str:
    return f"""<meta charset="UTF-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="index, follow, max-image-preview:large, max-snippet:-1, max-video-preview:-1">
<link rel="preconnect" href="https://fonts.gstatic.com" crossorigin>
<link rel="alternate" type="application/rss+xml" title="World of Software &raquo; Feed" href="https://worldofsoftware.org/feed/">
<link rel="alternate" type="application/rss+xml" title="World of Software &raquo; Comments Feed" href="https://worldofsoftware.org/comments/feed/">
<link rel="stylesheet" id="foxiz-main-css" href="{THEME}/assets/css/main.css?ver=2.3.5" type="text/css" media="all">
<link rel="https://api.w.org/" href="https://worldofsoftware.org/wp-json/">
<meta name="generator" content="WordPress 6.7.2">
<link rel="icon" href="{UPLOADS}/2023/09/cropped-wos-icon-32x32.png" sizes="32x32">"""
