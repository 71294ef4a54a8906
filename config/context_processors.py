from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language_info


def language_links(request: HttpRequest) -> dict[str, object]:
    """This page in each of the site's languages, for the language switcher."""
    links = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        links.append(
            {
                "code": code,
                "name": info["name_local"],
                "url": translate_url(request.get_full_path(), code),
            }
        )
    return {"language_links": links}
