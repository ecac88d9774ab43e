app_name = "migration"

urlpatterns = []
