FROM centos:7 AS base
RUN yum install -y httpd mod_ssl && yum clean all
COPY epel.repo /etc/yum.repos.d/
RUN yum -y update && \
    yum install -y php php-mysqlnd && yum clean all
FROM base
COPY site/ /var/www/html/
USER apache
CMD ["httpd", "-DFOREGROUND"]
