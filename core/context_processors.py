from django.conf import settings


def shop(request):
    return {
        "SHOP_NAME": settings.SHOP_NAME,
        "SHOP_URL": settings.SHOP_URL,
        "LEGACY_SHOP_URL": settings.LEGACY_SHOP_URL,
    }
